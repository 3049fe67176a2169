import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { allocateImageSet } from '../datasets/image-set';
import { limitIndices, openDataset } from '../datasets/index';
import { RunControl } from './control';
import { createOptimizer } from './optimizer';
import { createRandom } from './seeded-random';
import { quickTraining, tinyCnn } from './test-support';
import { trainLoop } from './trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainLoop', () => {
  it('trains a dataset without test images and says the result has no test set', async () => {
    const { train } = await openDataset('synthetic', { dataDir: '/nonexistent' });
    const settings = quickTraining({ epochs: 1 });
    const model = compileGraph(tf, tinyCnn());
    const optimizer = createOptimizer(tf, settings);
    try {
      const outcome = await trainLoop({
        runId: 'no-test',
        tf,
        model,
        optimizer,
        settings,
        data: { train, test: allocateImageSet(0, 28, 28, 1), trainIndices: limitIndices(train, 64, 0) },
        classCount: 10,
        outputIsProbabilities: false,
        target: [28, 28, 1],
        control: new RunControl(),
        emit: () => {},
        random: createRandom(1),
        paramCount: 0,
      });
      expect(outcome.stopped).toBe(false);
      expect(outcome.history).toHaveLength(1);
      expect(outcome.result.testImages).toBe(0);
      expect(outcome.result.trainLoss).toBeGreaterThan(0);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});
