import { describe, expect, it } from 'vitest';
import { EMPTY_EMA, emaStep, smoothSeries } from './ema';

describe('EMA smoothing', () => {
  it('is debiased: the first smoothed value is the first value, not a fraction of it', () => {
    const [, y] = emaStep(EMPTY_EMA, 2, 0.9);
    expect(y).toBeCloseTo(2);
  });

  it('follows a step change gradually and converges to the new level', () => {
    const values = [...Array(5).fill(1), ...Array(60).fill(0)];
    const smooth = smoothSeries(values, 0.8) as number[];
    expect(smooth[4]).toBeCloseTo(1);
    expect(smooth[5]).toBeGreaterThan(0.5); // still mostly the old level right after the step
    expect(smooth[5]).toBeLessThan(1);
    expect(smooth.at(-1)).toBeLessThan(1e-3);
  });

  it('with smoothing 0 returns the raw values', () => {
    expect(smoothSeries([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('lets a NaN through as itself without poisoning later points, and keeps nulls', () => {
    const smooth = smoothSeries([1, Number.NaN, 1, null, 1], 0.5);
    expect(smooth[1]).toBeNaN();
    expect(smooth[2]).toBeCloseTo(1);
    expect(smooth[3]).toBeNull();
    expect(smooth[4]).toBeCloseTo(1);
  });
});
