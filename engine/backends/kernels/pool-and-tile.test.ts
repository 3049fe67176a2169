import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { poolGradConfig } from './pool-grad';
import { wasmTileConfig } from './wasm-tile';
import { initWasm, randomArray, relativeError, runKernelFunc } from './test-support';

beforeAll(initWasm);

// Both kernels only move or add float32 values: they must match the stock kernels to 1e-6.
const tolerance = 1e-6;

describe('wasm Tile (block copies) against the stock wasm Tile', () => {
  const cases: Array<[number[], number[]]> = [
    [
      [1, 1, 1, 5],
      [3, 7, 5, 1],
    ], // the batch-norm gradient's case
    [
      [2, 3],
      [2, 2],
    ],
    [[4], [3]],
    [
      [3, 1, 2],
      [1, 4, 1],
    ],
    [
      [2, 3, 1, 2],
      [2, 1, 3, 2],
    ],
    [
      [2, 2],
      [1, 1],
    ],
    [
      [3, 2],
      [0, 2],
    ],
  ];
  it.each(cases)('shape %j reps %j', async (shape, reps) => {
    await tf.setBackend('wasm');
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(randomArray(size, 17), shape);
    const patched = runKernelFunc(wasmTileConfig(), { x }, { reps });
    const stock = runKernelFunc(tf.getKernel('Tile', 'wasm')!, { x }, { reps });
    expect(patched.shape).toEqual(stock.shape);
    expect(relativeError(patched.values, stock.values)).toBeLessThan(tolerance);
    x.dispose();
  });

  it('tiles int32 tensors too', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const out = runKernelFunc(wasmTileConfig(), { x }, { reps: [1, 2] });
    expect(Array.from(out.values)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    x.dispose();
  });
});

describe.each([
  ['MaxPoolGrad', 'cpu'],
  ['MaxPoolGrad', 'wasm'],
  ['AvgPoolGrad', 'cpu'],
  ['AvgPoolGrad', 'wasm'],
] as const)('%s on %s against the stock cpu kernel', (kind, backendName) => {
  const cases: Array<{
    n: number;
    h: number;
    w: number;
    c: number;
    pool: number;
    stride: number;
    pad: 'valid' | 'same';
  }> = [];
  for (const [pool, stride] of [
    [2, 2],
    [3, 2],
    [3, 1],
    [2, 3],
  ])
    for (const pad of ['valid', 'same'] as const)
      for (const [n, c] of [
        [1, 1],
        [3, 4],
      ])
        cases.push({ n, h: 9, w: 7, c, pool, stride, pad });

  it.each(cases.map((c) => [`n${c.n} c${c.c} pool${c.pool} s${c.stride} ${c.pad}`, c] as const))(
    '%s',
    async (_name, c) => {
      await tf.setBackend(backendName);
      const raw = randomArray(c.n * c.h * c.w * c.c, 29);
      // After a relu, windows often hold several equal maxima (zeros): both must pick the first.
      const input = tf.tensor4d(
        raw.map((v) => Math.max(0, v)),
        [c.n, c.h, c.w, c.c],
      );
      const output =
        kind === 'MaxPoolGrad'
          ? tf.maxPool(input, c.pool, c.stride, c.pad)
          : tf.avgPool(input, c.pool, c.stride, c.pad);
      const dy = tf.tensor(randomArray(output.size, 31), output.shape);
      const inputs: Record<string, tf.Tensor> =
        kind === 'MaxPoolGrad' ? { dy, input, output } : { dy, input };
      const attrs = { filterSize: c.pool, strides: c.stride, pad: c.pad };
      const patched = runKernelFunc(poolGradConfig(tf, kind, backendName), inputs, attrs);
      await tf.setBackend('cpu');
      const stock = runKernelFunc(tf.getKernel(kind, 'cpu')!, inputs, attrs);
      expect(patched.shape).toEqual(input.shape);
      expect(relativeError(patched.values, stock.values)).toBeLessThan(tolerance);
      tf.dispose([input, output, dy]);
    },
  );
});
