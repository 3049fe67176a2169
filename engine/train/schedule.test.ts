import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from '../graph/document';
import { learningRateAt } from './schedule';

const base = { ...DEFAULT_TRAINING, learningRate: 1, epochs: 10 };
const at = (epoch: number, batch = 0, batchesPerEpoch = 10) => ({ epoch, batch, batchesPerEpoch });

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect(learningRateAt(base, at(0))).toBe(1);
    expect(learningRateAt(base, at(9, 9))).toBe(1);
  });

  it('multiplies by gamma every stepEpochs epochs', () => {
    const step = { ...base, schedule: 'step' as const, stepEpochs: 3, stepGamma: 0.1 };
    expect(learningRateAt(step, at(2, 9))).toBe(1);
    expect(learningRateAt(step, at(3))).toBeCloseTo(0.1);
    expect(learningRateAt(step, at(6))).toBeCloseTo(0.01);
  });

  it('follows a half cosine from the rate to zero, per batch', () => {
    const cosine = { ...base, schedule: 'cosine' as const };
    expect(learningRateAt(cosine, at(0))).toBe(1);
    expect(learningRateAt(cosine, at(5))).toBeCloseTo(0.5);
    expect(learningRateAt(cosine, at(2, 5))).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.25)));
    expect(learningRateAt(cosine, at(9, 9))).toBeLessThan(0.001);
  });

  it('warms up linearly per batch, then hands over to the schedule', () => {
    const warm = { ...base, warmupEpochs: 2 };
    expect(learningRateAt(warm, at(0, 0))).toBeCloseTo(1 / 20);
    expect(learningRateAt(warm, at(0, 9))).toBeCloseTo(10 / 20);
    expect(learningRateAt(warm, at(1, 9))).toBeCloseTo(1);
    expect(learningRateAt(warm, at(2, 0))).toBe(1);
  });

  it('starts the cosine decay after the warm-up', () => {
    const both = { ...base, schedule: 'cosine' as const, warmupEpochs: 2 };
    expect(learningRateAt(both, at(2, 0))).toBeCloseTo(1);
    expect(learningRateAt(both, at(6, 0))).toBeCloseTo(0.5);
  });
});
