/**
 * ResNet-50 and MobileNetV2 compile into tfjs models with the analysed counts (which are
 * Keras's: presets.test.ts), and one forward pass of a 224×224×3 image gives 1,000
 * probabilities.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { analyzeGraph } from '../graph/analyze';
import { applicationPresetIds, getPreset } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

const weightCount = (weights: readonly tf.LayerVariable[]): number =>
  weights.reduce((sum, w) => sum + w.shape.reduce((product: number, d) => product * (d ?? 1), 1), 0);

describe.each(applicationPresetIds.map((id) => [id]))('preset %s compiled', (id) => {
  it('has the analysed counts and turns one image into 1,000 probabilities', () => {
    const doc = getPreset(id);
    const analysis = analyzeGraph(doc);
    const model = compileGraph(tf, doc);
    try {
      expect(weightCount(model.trainableWeights)).toBe(analysis.totals.trainable);
      expect(weightCount(model.nonTrainableWeights)).toBe(analysis.totals.nonTrainable);
      const probabilities = tf.tidy(() => {
        const y = model.predict(tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 1)) as tf.Tensor;
        expect(y.shape).toEqual([1, 1000]);
        return Array.from(y.dataSync());
      });
      expect(probabilities.every(Number.isFinite)).toBe(true);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    } finally {
      model.dispose();
    }
  }, 300_000);
});
