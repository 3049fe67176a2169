import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { wasmConv2DConfig } from './wasm-conv2d';
import {
  caseName,
  convCases,
  convGeometry,
  initWasm,
  randomArray,
  referenceFilterGrad,
  referenceInputGrad,
  relativeError,
  runKernelFunc,
} from './test-support';

// float32 rounding of sums of ≤ a few hundred products: 1e-4 relative is a failure, not noise.
const tolerance = 1e-4;

beforeAll(initWasm);

describe.each(['wasm', 'cpu'])('patched conv gradients on %s', (backendName) => {
  const cases = convCases();

  it.each(cases.map((c) => [caseName(c), c] as const))('Conv2DBackpropFilter %s', async (_name, c) => {
    await tf.setBackend(backendName);
    const g = convGeometry(tf, c);
    const xData = randomArray(c.batch * c.height * c.width * c.inChannels, 11);
    const dyData = randomArray(c.batch * g.outHeight * g.outWidth * c.outChannels, 23);
    const x = tf.tensor4d(xData, [c.batch, c.height, c.width, c.inChannels]);
    const dy = tf.tensor4d(dyData, [c.batch, g.outHeight, g.outWidth, c.outChannels]);
    const attrs = {
      strides: c.stride,
      pad: c.pad,
      dilations: c.dilation,
      dataFormat: 'NHWC',
      filterShape: g.filterShape,
    };
    const patched = runKernelFunc(conv2dBackpropFilterConfig(tf, backendName), { x, dy }, attrs);
    expect(patched.shape).toEqual([c.kernel, c.kernel, c.inChannels, c.outChannels]);
    expect(relativeError(patched.values, referenceFilterGrad(tf, c, xData, dyData))).toBeLessThan(tolerance);
    if (c.dilation === 1) {
      // The stock cpu kernel (tfjs's own) is the reference where it applies: it has no dilations.
      await tf.setBackend('cpu');
      const stock = runKernelFunc(tf.getKernel('Conv2DBackpropFilter', 'cpu')!, { x, dy }, attrs);
      expect(relativeError(patched.values, stock.values)).toBeLessThan(tolerance);
    }
    tf.dispose([x, dy]);
  });

  it.each(cases.map((c) => [caseName(c), c] as const))('Conv2DBackpropInput %s', async (_name, c) => {
    await tf.setBackend(backendName);
    const g = convGeometry(tf, c);
    const dyData = randomArray(c.batch * g.outHeight * g.outWidth * c.outChannels, 5);
    const filterData = randomArray(c.kernel * c.kernel * c.inChannels * c.outChannels, 7);
    const dy = tf.tensor4d(dyData, [c.batch, g.outHeight, g.outWidth, c.outChannels]);
    const filter = tf.tensor4d(filterData, [c.kernel, c.kernel, c.inChannels, c.outChannels]);
    const inputShape = [c.batch, c.height, c.width, c.inChannels];
    const attrs = { strides: c.stride, pad: c.pad, dilations: c.dilation, dataFormat: 'NHWC', inputShape };
    const patched = runKernelFunc(conv2dBackpropInputConfig(tf, backendName), { dy, filter }, attrs);
    expect(patched.shape).toEqual(inputShape);
    expect(relativeError(patched.values, referenceInputGrad(tf, c, dyData, filterData))).toBeLessThan(
      tolerance,
    );
    if (c.dilation === 1) {
      await tf.setBackend('cpu');
      const stock = runKernelFunc(tf.getKernel('Conv2DBackpropInput', 'cpu')!, { dy, filter }, attrs);
      expect(relativeError(patched.values, stock.values)).toBeLessThan(tolerance);
    }
    tf.dispose([dy, filter]);
  });
});

describe('Conv2D on wasm (matrix product where positions ≤ channels, else stock)', () => {
  it.each(convCases().map((c) => [caseName(c), c] as const))('%s', async (_name, c) => {
    const g = convGeometry(tf, c);
    const xData = randomArray(c.batch * c.height * c.width * c.inChannels, 3);
    const filterData = randomArray(c.kernel * c.kernel * c.inChannels * c.outChannels, 9);
    const attrs = { strides: c.stride, pad: c.pad, dilations: c.dilation, dataFormat: 'NHWC' };
    const run = (kernel: Parameters<typeof runKernelFunc>[0]) => {
      const x = tf.tensor4d(xData, [c.batch, c.height, c.width, c.inChannels]);
      const filter = tf.tensor4d(filterData, [c.kernel, c.kernel, c.inChannels, c.outChannels]);
      const result = runKernelFunc(kernel, { x, filter }, attrs);
      tf.dispose([x, filter]);
      return result;
    };
    await tf.setBackend('wasm');
    const stockWasm = tf.getKernel('Conv2D', 'wasm')!;
    const patched = run(wasmConv2DConfig(tf, stockWasm));
    await tf.setBackend('cpu');
    const reference = run(tf.getKernel('Conv2D', 'cpu')!);
    expect(patched.shape).toEqual([c.batch, g.outHeight, g.outWidth, c.outChannels]);
    expect(relativeError(patched.values, reference.values)).toBeLessThan(tolerance);
  });
});

it('rejects channels-first data with a message naming the kernel and the format', async () => {
  await tf.setBackend('cpu');
  const x = tf.zeros([1, 4, 4, 1]);
  const dy = tf.zeros([1, 4, 4, 1]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 1, 1] };
  expect(() => runKernelFunc(conv2dBackpropFilterConfig(tf, 'cpu'), { x, dy }, attrs)).toThrow(
    /Conv2DBackpropFilter: dataFormat 'NCHW'/,
  );
  tf.dispose([x, dy]);
});
