import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../protocol/api';
import { epochLine, summaryLines } from './progress';

const result: RunResult = {
  testImages: 100,
  trainLoss: 0.5,
  trainAccuracy: 0.8,
  testLoss: 0.6,
  testAccuracy: 0.75,
  confusion: [],
  perClassAccuracy: [0.7, 0.8],
  imagesPerSecond: 1000,
};
const metrics = { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0, testAccuracy: 0, seconds: 3 };

describe('training progress text', () => {
  it('says a result has no test set instead of a test accuracy of 0', () => {
    const lines = summaryLines({ ...result, testImages: 0, testLoss: 0, testAccuracy: 0 }, ['a', 'b'], false);
    expect(lines).toContain('  test  none: the dataset has no test images');
    expect(lines.join('\n')).not.toMatch(/accuracy 0\.0000|per-class/);
    expect(summaryLines(result, ['a', 'b'], false)).toContain('  test  loss 0.6000  accuracy 0.7500');
  });

  it('labels what each epoch was evaluated on', () => {
    expect(epochLine(metrics, 2, 'nothing')).toBe(
      'epoch 1/2: train loss 0.5000 acc 0.8000 · no test images · 0:03',
    );
    expect(epochLine(metrics, 2, 'validation')).toMatch(/· val loss 0\.0000 acc 0\.0000 ·/);
    expect(epochLine(metrics, 2)).toMatch(/· test loss 0\.0000 acc 0\.0000 ·/);
  });
});
