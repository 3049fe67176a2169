import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../types';
import { createBatches } from './batches';
import { axisTable } from './resize-table';

function oneImage(height: number, width: number, channels: number, pixels: number[]): ImageSet {
  return { count: 1, height, width, channels, images: Uint8Array.from(pixels), labels: Uint8Array.of(0) };
}

function resized(set: ImageSet, target: [number, number, number]): number[] {
  const [batch] = createBatches(set, { batchSize: 1, target, shuffle: false, seed: 0 });
  return Array.from(batch.xs, (v) => Math.round(v * 255 * 1000) / 1000);
}

describe('bilinear resize (half-pixel centres)', () => {
  it('builds the axis table as PyTorch align_corners=False does', () => {
    const table = axisTable(2, 4);
    // Output centres 0.5,1.5,2.5,3.5 map to input -0.25→0 (clamped), 0.25, 0.75, 1.25→1 (clamped).
    expect([...table.lower]).toEqual([0, 0, 0, 1]);
    expect([...table.upper]).toEqual([1, 1, 1, 1]);
    expect([...table.weight]).toEqual([0, 0.25, 0.75, 0]);
    expect(axisTable(2, 4)).toBe(table);
  });

  it('upsamples a 2×2 image to 4×4 with the expected values', () => {
    const image = oneImage(2, 2, 1, [0, 100, 200, 40]);
    // Per axis weights [0, .25, .75, 1] between the two source pixels.
    const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
    const weights = [0, 0.25, 0.75, 1];
    const expected: number[] = [];
    for (const ty of weights) {
      for (const tx of weights) expected.push(lerp(lerp(0, 100, tx), lerp(200, 40, tx), ty));
    }
    const actual = resized(image, [4, 4, 1]);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 2));
  });

  it('keeps a constant image constant and an image of the target size unchanged', () => {
    expect(new Set(resized(oneImage(3, 3, 1, Array(9).fill(77)), [7, 5, 1]))).toEqual(new Set([77]));
    const pixels = [1, 2, 3, 4, 5, 6];
    expect(resized(oneImage(2, 3, 1, pixels), [2, 3, 1])).toEqual(pixels);
  });

  it('downsamples 4×4 to 2×2 by averaging each 2×2 block', () => {
    const pixels = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150];
    expect(resized(oneImage(4, 4, 1, pixels), [2, 2, 1])).toEqual([25, 45, 105, 125]);
  });

  it('resizes every channel of an RGB image and adapts channels while resizing', () => {
    const rgb = oneImage(1, 2, 3, [0, 100, 200, 100, 200, 0]);
    expect(resized(rgb, [1, 4, 3])).toEqual([0, 100, 200, 25, 125, 150, 75, 175, 50, 100, 200, 0]);
    const grey = oneImage(1, 2, 1, [0, 200]);
    expect(resized(grey, [1, 4, 3])).toEqual([0, 0, 0, 50, 50, 50, 150, 150, 150, 200, 200, 200]);
  });
});
