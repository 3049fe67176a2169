import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { wasmBatchMatMulConfig } from './wasm-batch-mat-mul';
import { wasmIdentityConfig } from './wasm-identity';
import { initWasm, randomArray, relativeError, runKernelFunc } from './test-support';

beforeAll(initWasm);

// Sums of ≤ 40 float32 products in a different order: 1e-5 relative is ample.
const tolerance = 1e-5;

describe('wasm BatchMatMul with explicit transposes against the stock cpu kernel', () => {
  const shapes: Array<[number[], number[], boolean, boolean]> = [
    [[1, 7, 5], [1, 7, 3], true, false],
    [[1, 7, 5], [1, 3, 5], false, true],
    [[2, 5, 7], [2, 3, 5], true, true],
    [[3, 4, 6], [1, 6, 2], false, false],
    [[3, 6, 4], [3, 2, 6], true, true],
  ];
  it.each(shapes)('a %j b %j transposeA %s transposeB %s', async (aShape, bShape, transposeA, transposeB) => {
    await tf.setBackend('wasm');
    const a = tf.tensor(
      randomArray(
        aShape.reduce((x, y) => x * y),
        3,
      ),
      aShape,
    );
    const b = tf.tensor(
      randomArray(
        bShape.reduce((x, y) => x * y),
        4,
      ),
      bShape,
    );
    const attrs = { transposeA, transposeB };
    const patched = runKernelFunc(
      wasmBatchMatMulConfig(tf, tf.getKernel('BatchMatMul', 'wasm')!),
      { a, b },
      attrs,
    );
    await tf.setBackend('cpu');
    const stock = runKernelFunc(tf.getKernel('BatchMatMul', 'cpu')!, { a, b }, attrs);
    expect(patched.shape).toEqual(stock.shape);
    expect(relativeError(patched.values, stock.values)).toBeLessThan(tolerance);
    tf.dispose([a, b]);
  });
});

describe('wasm Identity without a copy', () => {
  it('shares the data, counts the reference, and survives disposing the input', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { refCount(id: object): number };
    const x = tf.tensor1d([1, 2, 3]);
    const out = wasmIdentityConfig().kernelFunc({
      inputs: { x },
      attrs: {},
      backend: tf.backend(),
    }) as tf.TensorInfo;
    expect(out.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    const y = tf.engine().makeTensorFromTensorInfo(out);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(backend.refCount(out.dataId)).toBe(0);
  });
});
