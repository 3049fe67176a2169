import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d } from './conv2d';
import type { CompileContext, NodeParamsMap } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const params: NodeParamsMap['conv2d'] = {
  filters: 3,
  kernelSize: 3,
  strides: 2,
  padding: 1,
  dilation: 1,
  activation: 'none',
  useBias: true,
};

/** input → conv2d node (explicit pad + conv) → dense, the conv's input being the image. */
function nodeModel(p: NodeParamsMap['conv2d']): tf.LayersModel {
  const ctx: CompileContext = { tf, layerName: (suffix) => `n_${suffix}` };
  const input = tf.input({ shape: [7, 6, 2] });
  const conv = conv2d.compile(ctx, p, [input]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'head' }).apply(tf.layers.flatten().apply(conv));
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

/** Loss gradients of every weight, plus the kernels one training step ran. */
async function trainingGrads(model: tf.LayersModel, x: tf.Tensor) {
  const weights = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  let grads: tf.Tensor[] = [];
  const profile = await tf.profile(() => {
    const { grads: byName } = tf.variableGrads(
      () => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      weights,
    );
    grads = weights.map((w) => byName[w.name]);
  });
  const values = grads.map((g) => Array.from(g.dataSync()));
  tf.dispose(grads);
  return { values, kernels: new Set(profile.kernels.map((k) => k.name)) };
}

describe('conv2d node: training uses plain ops so autodiff skips unused input gradients', () => {
  it('matches the stock fused layer in output and every weight gradient, without the image gradient', async () => {
    const ours = nodeModel(params);
    // The same layers built by stock tf.layers.conv2d (the fused op), same weights.
    const input = tf.input({ shape: [7, 6, 2] });
    const padded = tf.layers.zeroPadding2d({ padding: 1 }).apply(input);
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid' }).apply(padded);
    const head = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(conv));
    const reference = tf.model({ inputs: input, outputs: head as tf.SymbolicTensor });
    reference.setWeights(ours.getWeights());

    const x = tf.randomNormal([2, 7, 6, 2], 0, 1, 'float32', 3);
    const y = ours.apply(x, { training: true }) as tf.Tensor;
    const yRef = reference.apply(x, { training: true }) as tf.Tensor;
    const expected = yRef.dataSync();
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    const got = await trainingGrads(ours, x);
    const want = await trainingGrads(reference, x);
    got.values.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want.values[i][j], 4)));
    expect(got.kernels.has('Conv2DBackpropFilter')).toBe(true);
    expect(got.kernels.has('Conv2DBackpropInput')).toBe(false);
    expect(want.kernels.has('Conv2DBackpropInput')).toBe(true); // the fused op computes it anyway
    tf.dispose([x, y, yRef]);
    ours.dispose();
    reference.dispose();
  });

  it('keeps the stock class name, so a saved model loads back as the stock Conv2D', () => {
    const model = nodeModel({ ...params, activation: 'relu' });
    const layer = model.getLayer('n_conv');
    expect(layer.getClassName()).toBe('Conv2D');
    const restored = tf.models.modelFromJSON(model.toJSON(null, false) as never);
    return restored.then((m) => {
      expect(m.getLayer('n_conv').getClassName()).toBe('Conv2D');
      expect(m.getLayer('n_conv').getConfig()).toEqual(layer.getConfig());
      m.dispose();
      model.dispose();
    });
  });
});
