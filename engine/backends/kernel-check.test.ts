import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { assertTrainingKernels } from './kernel-check';
import { initWasm } from './kernels/test-support';
import { applyKernelPatches } from './patches';

beforeAll(async () => {
  await initWasm();
  applyKernelPatches(tf, 'wasm');
});

function model(layers: tf.layers.Layer[]): tf.Sequential {
  return tf.sequential({ layers });
}

describe('assertTrainingKernels', () => {
  it('passes a LeNet-like model with batch norm on patched wasm', async () => {
    await tf.setBackend('wasm');
    const m = model([
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.batchNormalization(),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ]);
    expect(() => assertTrainingKernels(tf, m)).not.toThrow();
    m.dispose();
  });

  it('names the missing depthwise gradient kernel and the layer on wasm', async () => {
    await tf.setBackend('wasm');
    const m = model([tf.layers.depthwiseConv2d({ inputShape: [8, 8, 3], kernelSize: 3, name: 'dw1' })]);
    expect(() => assertTrainingKernels(tf, m)).toThrow(
      "The 'wasm' backend has no 'DepthwiseConv2dNativeBackpropFilter' kernel, which layer 'dw1' (DepthwiseConv2D) needs to train.",
    );
    m.dispose();
  });

  it('accepts the same depthwise model on cpu, which has the kernels', async () => {
    await tf.setBackend('cpu');
    const m = model([tf.layers.depthwiseConv2d({ inputShape: [8, 8, 3], kernelSize: 3 })]);
    expect(() => assertTrainingKernels(tf, m)).not.toThrow();
    m.dispose();
  });

  it('rejects a dilated convolution, which tfjs cannot differentiate', async () => {
    await tf.setBackend('cpu');
    const m = model([
      tf.layers.conv2d({ inputShape: [9, 9, 1], filters: 2, kernelSize: 3, dilationRate: 2, name: 'atrous' }),
    ]);
    expect(() => assertTrainingKernels(tf, m)).toThrow(
      /Layer 'atrous' \(Conv2D\) has dilation \[2,2\]: TensorFlow\.js has no gradient/,
    );
    // The claim holds: training it really fails inside tfjs.
    const x = tf.ones([1, 9, 9, 1]);
    expect(() => tf.grad((v: tf.Tensor) => tf.sum(m.apply(v) as tf.Tensor))(x)).toThrow(
      /dilation rates greater than 1/,
    );
    x.dispose();
    m.dispose();
  });
});
