import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { wasmBatchMatMulConfig } from './wasm-batch-mat-mul';
import { wasmIdentityConfig } from './wasm-identity';
import { wasmLeadingReduceConfig } from './wasm-reduce';
import { wasmReverseConfig } from './wasm-reverse';
import { wasmSliceConfig } from './wasm-slice';
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

describe('wasm Sum / Mean over leading axes against the stock cpu kernels', () => {
  const cases: Array<[number[], number | number[], boolean]> = [
    [[5, 4, 3, 6], [0, 1, 2], false],
    [[5, 4, 3, 6], [2, 1, 0], true],
    [[7, 3], 0, false],
    [[2, 3, 4], [-3, -2], false],
    [[2, 3, 4], [1, 2], false], // trailing axes: handed to the stock kernel
    [[2, 3, 4], [0, 1, 2], false], // every axis: stock
  ];
  it.each(
    cases.flatMap(([shape, axis, keepDims]) =>
      (['Sum', 'Mean'] as const).map((kind) => [kind, shape, axis, keepDims] as const),
    ),
  )('%s of %j over %j keepDims %s', async (kind, shape, axis, keepDims) => {
    await tf.setBackend('wasm');
    const x = tf.tensor(
      randomArray(
        shape.reduce((p, d) => p * d),
        8,
      ),
      shape,
    );
    const attrs = { axis, keepDims };
    const patched = runKernelFunc(
      wasmLeadingReduceConfig(tf, kind, tf.getKernel(kind, 'wasm')!),
      { x },
      attrs,
    );
    await tf.setBackend('cpu');
    const stock = runKernelFunc(tf.getKernel(kind, 'cpu')!, { x }, attrs);
    expect(patched.shape).toEqual(stock.shape);
    expect(relativeError(patched.values, stock.values)).toBeLessThan(tolerance);
    x.dispose();
  });
});

describe('wasm Reverse by blocks against the stock cpu kernel', () => {
  const cases: Array<[number[], number | number[], 'float32' | 'int32' | 'bool']> = [
    [[3, 3, 4, 5], [0, 1], 'float32'], // a conv filter's spatial flip: whole blocks
    [[3, 3, 4, 5], [1, 3], 'float32'], // last axis: element by element
    [[2, 3, 4], [-1, 0], 'int32'],
    [[5], 0, 'float32'],
    [[4, 5], 1, 'bool'],
    [[2, 3, 30], [0, 1], 'float32'], // blocks above the element-loop threshold
    [[2, 3], [], 'float32'],
  ];
  it.each(cases)('%j over %j (%s)', async (shape, dims, dtype) => {
    await tf.setBackend('wasm');
    const size = shape.reduce((p, d) => p * d);
    const data = Array.from(randomArray(size, 9), (v) => (dtype === 'float32' ? v : Math.round(v * 50)));
    const values = dtype === 'bool' ? data.map((v) => (v > 0 ? 1 : 0)) : data;
    const x = tf.tensor(values, shape, dtype);
    const patched = runKernelFunc(wasmReverseConfig(), { x }, { dims });
    await tf.setBackend('cpu');
    const xCpu = tf.tensor(values, shape, dtype);
    const stock = runKernelFunc(tf.getKernel('Reverse', 'cpu')!, { x: xCpu }, { dims });
    expect(patched.shape).toEqual(stock.shape);
    expect(Array.from(patched.values)).toEqual(Array.from(stock.values));
    tf.dispose([x, xCpu]);
  });

  it('names an out-of-range axis', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([2, 3]);
    expect(() => runKernelFunc(wasmReverseConfig(), { x }, { dims: [2] })).toThrow(
      /Reverse: axis 2 is out of range for a tensor of rank 2/,
    );
    x.dispose();
  });
});

describe('wasm Slice by contiguous runs against the stock cpu kernel', () => {
  const cases: Array<[number[], number[], number[], 'float32' | 'int32']> = [
    [[3, 6, 6, 20], [0, 0, 0, 0], [3, 5, 5, 20], 'float32'], // the filter gradient's crop
    [[3, 6, 6, 20], [1, 2, 1, 3], [2, 3, 4, 5], 'float32'], // inner axis partly taken
    [[3, 6, 6, 20], [0, 1, 0, 0], [3, 4, 6, 20], 'int32'], // runs of whole rows
    [[4, 5], [1, 0], [-1, 5], 'float32'], // contiguous, size −1 = to the end
    [[2, 3, 4, 5, 2], [1, 1, 0, 2, 0], [1, 2, 4, 3, 2], 'float32'], // rank 5
    [[7], [2], [4], 'int32'],
    [[3, 4], [0, 0], [0, 4], 'float32'], // empty
  ];
  it.each(cases)('%j from %j size %j (%s)', async (shape, begin, size, dtype) => {
    await tf.setBackend('wasm');
    const n = shape.reduce((p, d) => p * d);
    const values = Array.from(randomArray(n, 12), (v) => (dtype === 'float32' ? v : Math.round(v * 50)));
    const x = tf.tensor(values, shape, dtype);
    const attrs = { begin, size };
    const patched = runKernelFunc(wasmSliceConfig(tf, tf.getKernel('Slice', 'wasm')!), { x }, attrs);
    await tf.setBackend('cpu');
    const xCpu = tf.tensor(values, shape, dtype);
    const stock = runKernelFunc(tf.getKernel('Slice', 'cpu')!, { x: xCpu }, attrs);
    expect(patched.shape).toEqual(stock.shape);
    expect(Array.from(patched.values)).toEqual(Array.from(stock.values));
    tf.dispose([x, xCpu]);
  });
});
