import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { chainGraph, tinyCnn } from './test-support';
import { gradCam, lastSpatialLayer, NoSpatialLayerError } from './grad-cam';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIZE = 8;

/**
 * input [8, 8, 2] → 1×1 conv (identity, so the conv's channel k is the input's channel k) →
 * global average pooling → dense(2) with weights [[1, 0], [0, 1]]: class 0 is decided by
 * channel 0 alone, class 1 by channel 1 alone.
 */
function handmadeModel(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 2] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: 'conv' });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv.apply(input)) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 2, useBias: false, name: 'head' });
  const model = tf.model({ inputs: input, outputs: dense.apply(pooled) as tf.SymbolicTensor });
  conv.setWeights([tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2])]);
  dense.setWeights([tf.tensor2d([1, 0, 0, 1], [2, 2])]);
  return model;
}

/** Channel 0 lit in the top-left 3×3 square, channel 1 in the bottom-right one. */
function twoRegionImage(): tf.Tensor4D {
  const pixels = new Float32Array(SIZE * SIZE * 2);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      if (x < 3 && y < 3) pixels[(y * SIZE + x) * 2] = 1;
      if (x >= 5 && y >= 5) pixels[(y * SIZE + x) * 2 + 1] = 0.8;
    }
  return tf.tensor4d(pixels, [1, SIZE, SIZE, 2]);
}

function argMax(values: Float32Array): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return { x: best % SIZE, y: Math.floor(best / SIZE) };
}

describe('gradCam', () => {
  it('peaks where the evidence for the class is, and only there', async () => {
    const model = handmadeModel();
    const xs = twoRegionImage();
    const forZero = await gradCam(tf, model, xs, { classIndices: [0] });
    expect(forZero.layerName).toBe('conv');
    expect([forZero.height, forZero.width]).toEqual([SIZE, SIZE]);
    const map = forZero.maps[0];
    expect(map).toHaveLength(SIZE * SIZE);
    expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...map)).toBeCloseTo(1, 5);
    const peak = argMax(map);
    expect(peak.x).toBeLessThan(3);
    expect(peak.y).toBeLessThan(3);
    expect(map[7 * SIZE + 7]).toBe(0); // the other class's region does not count for class 0

    const forOne = await gradCam(tf, model, xs, { classIndices: [1] });
    const other = argMax(forOne.maps[0]);
    expect(other.x).toBeGreaterThanOrEqual(5);
    expect(other.y).toBeGreaterThanOrEqual(5);
    expect(forOne.maps[0][0]).toBe(0);

    // Without classes given, each image's predicted class is explained (class 0: brighter region).
    const predicted = await gradCam(tf, model, xs);
    expect(predicted.classIndices).toEqual([0]);
    expect(Array.from(predicted.maps[0])).toEqual(Array.from(map));
    xs.dispose();
    model.dispose();
  });

  it('is all zero, not NaN, when nothing speaks for the class', async () => {
    const model = handmadeModel();
    const xs = tf.zeros([2, SIZE, SIZE, 2]) as tf.Tensor4D;
    const { maps } = await gradCam(tf, model, xs, { classIndices: [0, 1] });
    expect(maps).toHaveLength(2);
    for (const map of maps) expect(Array.from(map).every((v) => v === 0)).toBe(true);
    xs.dispose();
    model.dispose();
  });

  it('works on a compiled graph, at the last spatial layer, with softmax outputs, without leaking tensors', async () => {
    const model = compileGraph(tf, tinyCnn()); // conv 28×28 (same) → pool 14×14 → flatten → dense
    const xs = tf.randomUniform([3, 28, 28, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const result = await gradCam(tf, model, xs, { classIndices: [1, 2, 3], outputIsProbabilities: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.layerName).toBe(lastSpatialLayer(model).name);
    expect(result.layerName).toMatch(/^pool/);
    expect([result.height, result.width]).toEqual([14, 14]);
    for (const map of result.maps) {
      expect(map).toHaveLength(14 * 14);
      expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...map)).toBeLessThanOrEqual(1);
    }
    // The model is left as it was: its layers compute as before.
    expect(Object.prototype.hasOwnProperty.call(lastSpatialLayer(model), 'call')).toBe(false);
    xs.dispose();
    model.dispose();
  });

  it('works through a block (a residual block expanded to its branches)', async () => {
    const graph = chainGraph('with a block', [
      { id: 'input', type: 'input', params: { height: 12, width: 12, channels: 1 } },
      { id: 'res', type: 'residual', params: { filters: 4, use1x1: true, strides: 2 } },
      { id: 'gap', type: 'globalAvgPool2d', params: {} },
      { id: 'flat', type: 'flatten', params: {} },
      { id: 'out', type: 'dense', params: { units: 3, activation: 'none' } },
    ]);
    const model = compileGraph(tf, graph);
    const xs = tf.randomUniform([2, 12, 12, 1]) as tf.Tensor4D;
    const result = await gradCam(tf, model, xs);
    expect(result.layerName).toMatch(/^res_/);
    expect([result.height, result.width]).toEqual([6, 6]);
    expect(result.classIndices).toHaveLength(2);
    xs.dispose();
    model.dispose();
  });

  it('says plainly when the graph has no convolution', async () => {
    const model = compileGraph(
      tf,
      chainGraph('mlp', [
        { id: 'input', type: 'input', params: { height: 28, width: 28, channels: 1 } },
        { id: 'flat', type: 'flatten', params: {} },
        { id: 'out', type: 'dense', params: { units: 10, activation: 'none' } },
      ]),
    );
    const xs = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    await expect(gradCam(tf, model, xs)).rejects.toThrow(NoSpatialLayerError);
    await expect(gradCam(tf, model, xs)).rejects.toThrow(/no convolution/);
    xs.dispose();
    model.dispose();
  });

  it('refuses a class the model does not have', async () => {
    const model = handmadeModel();
    const xs = twoRegionImage();
    await expect(gradCam(tf, model, xs, { classIndices: [5] })).rejects.toThrow(/class 5 is not one of/);
    xs.dispose();
    model.dispose();
  });
});
