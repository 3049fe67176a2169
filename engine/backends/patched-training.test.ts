import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initWasm, randomArray, relativeError } from './kernels/test-support';
import { applyKernelPatches, removeKernelPatches } from './patches';

/** A small net touching every patched kernel: conv (stride 2), BN, relu, max/avg pool, add, dense. */
function buildNet(): tf.LayersModel {
  const input = tf.input({ shape: [9, 9, 2] });
  const stem = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    })
    .apply(input) as tf.SymbolicTensor;
  let y = tf.layers.batchNormalization().apply(stem) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    })
    .apply(y) as tf.SymbolicTensor;
  y = tf.layers.add().apply([y, stem]) as tf.SymbolicTensor;
  y = tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.averagePooling2d({ poolSize: 2 }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.flatten().apply(y) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
    .apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Loss gradients of every trainable weight for one fixed batch, as plain arrays. */
function weightGradients(model: tf.LayersModel): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(randomArray(5 * 9 * 9 * 2, 41), [5, 9, 9, 2]);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
    const { grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
    return model.trainableWeights.map((w) => grads[w.originalName].dataSync() as Float32Array);
  });
}

beforeAll(initWasm);
afterAll(() => removeKernelPatches(tf, 'wasm'));

describe('a whole network trained with our wasm kernels', () => {
  it('gets the same weight gradients as stock cpu (1e-4 relative) and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    removeKernelPatches(tf, 'cpu');
    const model = buildNet();
    const reference = weightGradients(model);

    await tf.setBackend('wasm');
    applyKernelPatches(tf, 'wasm');
    weightGradients(model); // warm-up: the first call creates tfjs's internal scalars
    const before = tf.memory().numTensors;
    const dataIdsBefore = tf.backend().numDataIds();
    const patched = weightGradients(model);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(dataIdsBefore);

    expect(patched.length).toBe(reference.length);
    patched.forEach((g, i) =>
      expect(relativeError(g, reference[i]), model.trainableWeights[i].name).toBeLessThan(1e-4),
    );
    model.dispose();
  });
});
