import { describe, expect, it } from 'vitest';
import { buildSynthetic } from '../builtin/synthetic';
import { limitIndices, splitValidation } from '../image-set';
import { sampleImages, sampleToImageSet, sampleToInput, toSample } from './samples';

const { train } = buildSynthetic();

describe('sampleImages', () => {
  it('returns the asked number, every class in turn, deterministically per seed', () => {
    const samples = sampleImages(train, 20, 5);
    expect(samples).toHaveLength(20);
    expect(samples.map((s) => s.label)).toEqual([...Array(10).keys(), ...Array(10).keys()]);
    expect(sampleImages(train, 20, 5)).toEqual(samples);
    expect(sampleImages(train, 20, 6)).not.toEqual(samples);
    expect(Buffer.from(samples[0].pixels, 'base64')).toHaveLength(28 * 28);
    expect(samples[0]).toMatchObject({ width: 28, height: 28, channels: 1 });
  });

  it('round-trips a sample to an image set and to model input', () => {
    const sample = toSample(train, 3);
    const set = sampleToImageSet(sample);
    expect([...set.images]).toEqual([...train.images.subarray(3 * 784, 4 * 784)]);
    expect(set.labels[0]).toBe(train.labels[3]);
    const input = sampleToInput(sample, [56, 56, 3]);
    expect(input).toHaveLength(56 * 56 * 3);
    expect(Math.max(...input)).toBeLessThanOrEqual(1);
    expect(() => sampleToImageSet({ ...sample, width: 27 })).toThrow(
      /784 pixel bytes, expected 27×28×1 = 756/,
    );
  });
});

describe('splitValidation and limitIndices', () => {
  it('splits indices into disjoint, sorted, seeded parts', () => {
    const { train: rest, validation } = splitValidation(train, 0.1, 1);
    expect(validation).toHaveLength(200);
    expect(rest).toHaveLength(1800);
    expect(new Set([...rest, ...validation]).size).toBe(2000);
    expect([...validation]).toEqual([...validation].sort((a, b) => a - b));
    expect(splitValidation(train, 0.1, 1).validation).toEqual(validation);
    expect(splitValidation(train, 0.1, 2).validation).not.toEqual(validation);
    expect(() => splitValidation(train, 1, 1)).toThrow(/fraction must be in \[0, 1\), got 1/);
  });

  it('limits to at most the given number of images', () => {
    expect(limitIndices(train, 300, 1)).toHaveLength(300);
    expect(limitIndices(train, 5000, 1)).toHaveLength(2000);
  });
});
