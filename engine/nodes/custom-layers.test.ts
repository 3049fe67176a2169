import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCustomLayers } from './custom-layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('custom layers', () => {
  it('are defined and registered once per tfjs instance', () => {
    expect(registerCustomLayers(tf)).toBe(registerCustomLayers(tf));
  });

  it('survive a save and load of the model (registered with tf.serialization)', async () => {
    const { NegInfPadding2D, BilinearResize, ElementwiseActivation } = registerCustomLayers(tf);
    const x = tf.input({ shape: [5, 5, 2] });
    const padded = new NegInfPadding2D({ padding: 1 }).apply(x) as tf.SymbolicTensor;
    const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(padded) as tf.SymbolicTensor;
    const resized = new BilinearResize({ height: 6, width: 4 }).apply(pooled) as tf.SymbolicTensor;
    expect(resized.shape).toEqual([null, 6, 4, 2]);
    const activated = new ElementwiseActivation({ fn: 'elu', alpha: 0.5 }).apply(
      resized,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: activated });

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const input = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 3);
    const expected = (model.predict(input) as tf.Tensor).arraySync();
    expect((loaded.predict(input) as tf.Tensor).arraySync()).toEqual(expected);
    expect(loaded.layers.map((layer) => layer.getClassName())).toEqual(
      expect.arrayContaining(['NegInfPadding2D', 'BilinearResize', 'ElementwiseActivation']),
    );
    tf.dispose(input);
    model.dispose();
    loaded.dispose();
  });

  it('resizes bilinearly with the gradient matching the forward pass', () => {
    const { BilinearResize } = registerCustomLayers(tf);
    const layer = new BilinearResize({ height: 4, width: 4 });
    const image = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
    // Upscaling 2 → 4 without corner alignment: rows 0, 0.5, 1, 1(clamped) of the source.
    const out = (layer.apply(image) as tf.Tensor).squeeze().arraySync() as number[][];
    expect(out[0]).toEqual([0, 0.5, 1, 1]);
    expect(out[3]).toEqual([2, 2.5, 3, 3]);
    // d(sum of output)/d(input) by autodiff equals the finite difference of the forward pass.
    const grad = tf
      .grad((x: tf.Tensor) => (layer.apply(x) as tf.Tensor).sum())(image)
      .dataSync();
    const eps = 1e-2;
    const forwardSum = (values: number[]) =>
      (layer.apply(tf.tensor4d(values, [1, 2, 2, 1])) as tf.Tensor).sum().dataSync()[0];
    Array.from(grad).forEach((g, i) => {
      const plus = [0, 1, 2, 3].map((v, j) => (j === i ? v + eps : v));
      expect(g).toBeCloseTo((forwardSum(plus) - forwardSum([0, 1, 2, 3])) / eps, 2);
    });
  });
});
