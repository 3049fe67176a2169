import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select';
import { fastBatchNormalizationClass } from './fast-batch-norm';

/**
 * Float32 agreement with the stock layer: the largest absolute difference divided by the
 * largest magnitude of the reference (so values near zero don't dominate). Forward outputs and
 * moving statistics use the same ops as stock and agree to rounding; gradients take another
 * (algebraically equal) route, hence the looser bound there.
 */
const FORWARD_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-4;

function relativeDifference(actual: tf.Tensor, expected: tf.Tensor): number {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(actual.shape).toEqual(expected.shape);
  let diff = 0;
  let scale = 0;
  e.forEach((value, i) => {
    diff = Math.max(diff, Math.abs(a[i] - value));
    scale = Math.max(scale, Math.abs(value));
  });
  return diff / Math.max(scale, 1e-12);
}

function seeded(shape: number[], seed: number, mean = 0, std = 1): tf.Tensor {
  return tf.randomNormal(shape, mean, std, 'float32', seed);
}

/** A stock and a fast layer built for `shape`, with the same random γ, β and moving statistics. */
function layerPair(shape: number[]) {
  const channels = shape[shape.length - 1];
  const args = { momentum: 0.9, epsilon: 1e-5 };
  const stock = tf.layers.batchNormalization(args);
  const fast = new (fastBatchNormalizationClass(tf))(args);
  const weights = [
    seeded([channels], 11, 1, 0.5),
    seeded([channels], 12),
    seeded([channels], 13),
    tf.abs(seeded([channels], 14, 1, 0.5)),
  ];
  for (const layer of [stock, fast]) {
    layer.build(shape);
    layer.setWeights(weights);
  }
  tf.dispose(weights);
  return { stock, fast };
}

/** Layers applied to concrete tensors only can't be `dispose()`d; their weights can. */
function disposeWeights(layer: tf.layers.Layer) {
  for (const weight of layer.weights) weight.dispose();
}

/** Loss gradients (x, γ, β), then moving statistics and inference output after the step. */
function trainingStep(layer: tf.layers.Layer, x: tf.Tensor, upstream: tf.Tensor) {
  const input = tf.variable(x);
  const { value: output, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, upstream)) as tf.Scalar,
    [input, ...(layer.trainableWeights.map((w) => w.read()) as tf.Variable[])],
  );
  const [gamma, beta, movingMean, movingVariance] = layer.weights.map((w) => w.read() as tf.Variable);
  const result = {
    output: layer.apply(x, { training: false }) as tf.Tensor,
    dx: grads[input.name],
    dGamma: grads[gamma.name],
    dBeta: grads[beta.name],
    movingMean: tf.clone(movingMean),
    movingVariance: tf.clone(movingVariance),
  };
  tf.dispose([output, input]);
  return result;
}

const shapes: Array<[string, number[]]> = [
  // The layouts: spatial axes folded into wide rows; channels already wide; no spatial axes.
  ['4-D (after a conv)', [4, 5, 3, 6]],
  ['4-D, bigger (LeNet-like, 6 channels)', [16, 12, 12, 6]],
  ['4-D with 130 channels', [3, 2, 2, 130]],
  ['2-D (after a dense layer)', [9, 7]],
];

describe.each(['cpu', 'wasm'])('fast batch norm on %s', (backend) => {
  async function useBackend() {
    if (backend === 'wasm') await selectBackend({ force: 'wasm' });
    else await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe(backend);
  }

  it.each(shapes)('trains like the stock layer: %s', async (_label, shape) => {
    await useBackend();
    const { stock, fast } = layerPair(shape);
    // Offset inputs: the variance must come from centred values, not E[x²] − E[x]².
    const x = seeded(shape, 21, 3, 2);
    const upstream = seeded(shape, 22);

    // Inference with the same weights is the stock code path: identical.
    const inference = (layer: tf.layers.Layer) => layer.apply(x, { training: false }) as tf.Tensor;
    const [expectedInference, actualInference] = [inference(stock), inference(fast)];
    expect(actualInference.dataSync()).toEqual(expectedInference.dataSync());

    const trainingOutput = (layer: tf.layers.Layer) =>
      tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor);
    const expectedTraining = trainingOutput(stock);
    const actualTraining = trainingOutput(fast);
    expect(relativeDifference(actualTraining, expectedTraining)).toBeLessThan(FORWARD_TOLERANCE);

    const expected = trainingStep(stock, x, upstream);
    const actual = trainingStep(fast, x, upstream);
    expect(relativeDifference(actual.dx, expected.dx)).toBeLessThan(GRADIENT_TOLERANCE);
    expect(relativeDifference(actual.dGamma, expected.dGamma)).toBeLessThan(GRADIENT_TOLERANCE);
    expect(relativeDifference(actual.dBeta, expected.dBeta)).toBeLessThan(GRADIENT_TOLERANCE);
    // Two training calls each (above and in trainingStep) moved the statistics the same way.
    expect(relativeDifference(actual.movingMean, expected.movingMean)).toBeLessThan(FORWARD_TOLERANCE);
    expect(relativeDifference(actual.movingVariance, expected.movingVariance)).toBeLessThan(
      FORWARD_TOLERANCE,
    );
    expect(relativeDifference(actual.output, expected.output)).toBeLessThan(FORWARD_TOLERANCE);

    tf.dispose([
      x,
      upstream,
      expectedInference,
      actualInference,
      expectedTraining,
      actualTraining,
      ...Object.values(expected),
      ...Object.values(actual),
    ]);
    disposeWeights(stock);
    disposeWeights(fast);
  });

  it('leaks no tensors over training steps', async () => {
    await useBackend();
    const { fast } = layerPair([2, 3, 3, 4]);
    const x = seeded([2, 3, 3, 4], 31);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(fast.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
      tf.tidy(() => {
        fast.apply(x, { training: true });
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    disposeWeights(fast);
  });
});

describe('fast batch norm saved form', () => {
  it('saves as the stock BatchNormalization (same config, weight order) and loads as the stock layer', async () => {
    await tf.setBackend('cpu');
    const FastBatchNormalization = fastBatchNormalizationClass(tf);
    const input = tf.input({ shape: [4, 4, 3] });
    const output = new FastBatchNormalization({ momentum: 0.8, epsilon: 1e-4, name: 'bn' }).apply(
      input,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const stockConfig = tf.layers
      .batchNormalization({ momentum: 0.8, epsilon: 1e-4, name: 'bn' })
      .getConfig();
    expect(model.layers[1].getConfig()).toEqual(stockConfig);

    // One training call so the moving statistics differ from their initial values.
    const x = seeded([2, 4, 4, 3], 41, 2, 3);
    tf.tidy(() => {
      model.apply(x, { training: true });
    });

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = saved!.modelTopology as { config: { layers: Array<{ class_name: string }> } };
    expect(topology.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'BatchNormalization']);
    expect(saved!.weightSpecs!.map((w) => w.name)).toEqual([
      'bn/gamma',
      'bn/beta',
      'bn/moving_mean',
      'bn/moving_variance',
    ]);

    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers[1]).not.toBeInstanceOf(FastBatchNormalization);
    const expected = model.predict(x) as tf.Tensor;
    const actual = loaded.predict(x) as tf.Tensor;
    expect(actual.dataSync()).toEqual(expected.dataSync());
    tf.dispose([x, expected, actual]);
    model.dispose();
    loaded.dispose();
  });
});
