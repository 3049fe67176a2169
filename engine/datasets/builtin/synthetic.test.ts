import { describe, expect, it } from 'vitest';
import { classCounts } from '../image-set';
import type { ImageSet } from '../types';
import { buildSynthetic, SYNTHETIC_CLASSES, SYNTHETIC_SIZES } from './synthetic';

/** Test accuracy of a nearest-class-mean classifier: a floor for "learnable". */
function nearestMeanAccuracy(train: ImageSet, test: ImageSet): number {
  const size = train.height * train.width * train.channels;
  const means = Array.from({ length: 10 }, () => new Float64Array(size));
  const counts = classCounts(train, 10);
  for (let i = 0; i < train.count; i++) {
    for (let p = 0; p < size; p++)
      means[train.labels[i]][p] += train.images[i * size + p] / counts[train.labels[i]];
  }
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = -1;
    let bestDistance = Infinity;
    means.forEach((mean, label) => {
      let distance = 0;
      for (let p = 0; p < size; p++) distance += (test.images[i * size + p] - mean[p]) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [label, distance];
    });
    if (best === test.labels[i]) correct++;
  }
  return correct / test.count;
}

describe('synthetic dataset', () => {
  const data = buildSynthetic();

  it('has the documented sizes, balanced classes and the full pixel range', () => {
    expect(data.train).toMatchObject({ count: SYNTHETIC_SIZES.train, height: 28, width: 28, channels: 1 });
    expect(data.test.count).toBe(SYNTHETIC_SIZES.test);
    expect(data.classNames).toEqual(SYNTHETIC_CLASSES);
    expect(classCounts(data.train, 10)).toEqual(Array(10).fill(200));
    const pixels = data.train.images;
    expect(pixels.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(200);
    expect(pixels.reduce((a, b) => Math.min(a, b), 255)).toBe(0);
  });

  it('is the same every time, and train differs from test', () => {
    const again = buildSynthetic();
    expect(Buffer.compare(again.train.images, data.train.images)).toBe(0);
    expect(
      Buffer.compare(data.train.images.subarray(0, 784 * 10), data.test.images.subarray(0, 784 * 10)),
    ).not.toBe(0);
  });

  it('is learnable: even nearest class means beat chance by far', () => {
    expect(nearestMeanAccuracy(data.train, data.test)).toBeGreaterThan(0.5);
  });
});
