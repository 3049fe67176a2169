import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../types';
import { batchCount, createBatches, cropPadding, type BatchOptions } from './batches';

/** A set whose image i is filled with value i (1 channel unless said). */
function numberedSet(count: number, side = 4, channels = 1): ImageSet {
  const size = side * side * channels;
  const images = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) images.fill(i, i * size, (i + 1) * size);
  return {
    count,
    height: side,
    width: side,
    channels,
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
  };
}

const base: BatchOptions = { batchSize: 4, target: [4, 4, 1], shuffle: false, seed: 1 };

function firstPixels(set: ImageSet, options: Partial<BatchOptions>): number[] {
  const out: number[] = [];
  const size = (options.target ?? base.target).reduce((a, b) => a * b, 1);
  for (const batch of createBatches(set, { ...base, ...options })) {
    for (let i = 0; i < batch.size; i++) out.push(Math.round(batch.xs[i * size] * 255));
  }
  return out;
}

describe('createBatches', () => {
  it('yields full batches and a last partial one, in order without shuffle', () => {
    const batches = [...createBatches(numberedSet(10), base)];
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches[2].xs.length).toBe(2 * 16);
    expect([...batches[2].indices]).toEqual([8, 9]);
    expect([...batches[2].labels]).toEqual([8, 9]);
    expect(batchCount(10, 4)).toBe(3);
  });

  it('normalizes bytes to plain [0, 1]', () => {
    const set = numberedSet(1);
    set.images.fill(255);
    set.images[0] = 0;
    set.images[1] = 51;
    const [batch] = createBatches(set, base);
    expect(batch.xs[0]).toBe(0);
    expect(batch.xs[1]).toBeCloseTo(0.2, 6);
    expect(batch.xs[2]).toBe(1);
  });

  it('shuffles the same way for the same seed, differently for another, covering every image once', () => {
    const set = numberedSet(50);
    const a = firstPixels(set, { shuffle: true, seed: 7 });
    const b = firstPixels(set, { shuffle: true, seed: 7 });
    const c = firstPixels(set, { shuffle: true, seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('takes only the given indices', () => {
    const pixels = firstPixels(numberedSet(20), { indices: Uint32Array.of(3, 17, 5) });
    expect(pixels).toEqual([3, 17, 5]);
  });

  it('repeats grey into three channels and takes BT.601 luma from RGB', () => {
    const grey = numberedSet(1, 2, 1);
    grey.images.set([0, 51, 102, 255]);
    const [rgb] = createBatches(grey, { ...base, target: [2, 2, 3] });
    expect(Array.from(rgb.xs, (v) => Math.round(v * 255))).toEqual([
      0, 0, 0, 51, 51, 51, 102, 102, 102, 255, 255, 255,
    ]);

    const colour = numberedSet(1, 1, 3);
    colour.images.set([200, 100, 50]);
    const [luma] = createBatches(colour, { ...base, target: [1, 1, 1] });
    expect(luma.xs[0] * 255).toBeCloseTo(0.299 * 200 + 0.587 * 100 + 0.114 * 50, 3);
  });

  it('rejects channel counts it cannot adapt, bad batch sizes and out-of-range indices', () => {
    const set = numberedSet(2);
    expect(() => [...createBatches(set, { ...base, target: [4, 4, 2] })]).toThrow(
      /1-channel images to a 2-channel/,
    );
    expect(() => [...createBatches(set, { ...base, batchSize: 0 })]).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    expect(() => [...createBatches(set, { ...base, indices: Uint32Array.of(2) })]).toThrow(
      /index 2 is outside the set of 2/,
    );
  });

  it('flips horizontally when asked, about half the time, deterministically', () => {
    const count = 200;
    const set = numberedSet(count, 2);
    for (let i = 0; i < count; i++) set.images.set([10, 20, 30, 40], i * 4); // rows [10 20] [30 40]
    const flips = (seed: number): boolean[] =>
      [...createBatches(set, { ...base, batchSize: 64, target: [2, 2, 1], augmentFlip: true, seed })].flatMap(
        (b) =>
          Array.from({ length: b.size }, (_, i) => {
            const image = Array.from(b.xs.subarray(i * 4, i * 4 + 4), (v) => Math.round(v * 255));
            if (image.join() === '20,10,40,30') return true;
            expect(image).toEqual([10, 20, 30, 40]);
            return false;
          }),
      );
    const seen = flips(3);
    const flipped = seen.filter(Boolean).length;
    expect(flipped).toBeGreaterThan(60);
    expect(flipped).toBeLessThan(140);
    expect(flips(3)).toEqual(seen);
  });

  it('crops with zero padding of one eighth: shifts by at most the padding, keeping the size', () => {
    const side = 16;
    const set = numberedSet(100, side);
    set.images.fill(255);
    const padding = cropPadding(side, side);
    expect(padding).toBe(2);
    expect(cropPadding(28, 28)).toBe(4);
    let shifted = 0;
    for (const batch of createBatches(set, {
      ...base,
      batchSize: 100,
      target: [side, side, 1],
      augmentCrop: true,
    })) {
      for (let i = 0; i < batch.size; i++) {
        const image = batch.xs.subarray(i * side * side, (i + 1) * side * side);
        const zeros = image.filter((v) => v === 0).length;
        if (zeros > 0) shifted++;
        // At most `padding` rows and `padding` columns are uncovered.
        expect(zeros).toBeLessThanOrEqual(2 * padding * side);
        // The centre is always covered.
        expect(image[(side / 2) * side + side / 2]).toBe(1);
      }
    }
    expect(shifted).toBeGreaterThan(50);
  });

  it('gives each batch its own buffers unless reuseBuffers is set', () => {
    const set = numberedSet(8);
    const fresh = [...createBatches(set, base)];
    expect(fresh[0].xs).not.toBe(fresh[1].xs);
    expect(fresh[0].xs[0]).toBe(0);
    const reused = [...createBatches(set, { ...base, reuseBuffers: true })];
    expect(reused[0].xs.buffer).toBe(reused[1].xs.buffer);
  });
});
