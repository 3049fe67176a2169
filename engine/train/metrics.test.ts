import { describe, expect, it } from 'vitest';
import { addToConfusion, emptyConfusion, overallAccuracy, perClassAccuracy } from './metrics';

describe('confusion matrix', () => {
  it('counts [true][predicted] and derives overall and per-class accuracy', () => {
    const confusion = emptyConfusion(3);
    addToConfusion(confusion, [0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0]);
    expect(confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(overallAccuracy(confusion)).toBeCloseTo(4 / 6);
    expect(perClassAccuracy(confusion)).toEqual([0.5, 1, 2 / 3]);
  });

  it('rejects a class outside the matrix', () => {
    expect(() => addToConfusion(emptyConfusion(2), [3], [0])).toThrow(/class 3 is outside the 2 classes/);
  });
});
