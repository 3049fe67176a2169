/**
 * ONNX export checked in onnxruntime: every preset (random weights, batch of 2) predicts
 * what the engine predicts to 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset, presetIds } from '../../presets/index';
import { expectSamePredictions } from '../test-support/onnx';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ONNX export of the presets runs in onnxruntime with the engine predictions', () => {
  it.each(presetIds)(
    '%s',
    async (id) => {
      const difference = await expectSamePredictions(getPreset(id));
      expect(difference).toBeLessThanOrEqual(1e-4);
    },
    300_000,
  );
});
