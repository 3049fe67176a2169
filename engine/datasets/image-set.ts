/** Small helpers for building, slicing and splitting `ImageSet`s. */
import { permutation } from './random';
import type { ImageSet } from './types';

/** Bytes per image: `height × width × channels`. */
export function imageSize(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

/** A zero-filled set of `count` images of one shape. */
export function allocateImageSet(count: number, height: number, width: number, channels: number): ImageSet {
  return {
    count,
    height,
    width,
    channels,
    images: new Uint8Array(count * height * width * channels),
    labels: new Uint8Array(count),
  };
}

/** A new set holding copies of the images at `indices`, in that order. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const out = allocateImageSet(indices.length, set.height, set.width, set.channels);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!(index >= 0 && index < set.count))
      throw new RangeError(`Image index ${index} is outside 0…${set.count - 1}.`);
    out.images.set(set.images.subarray(index * size, (index + 1) * size), i * size);
    out.labels[i] = set.labels[index];
  }
  return out;
}

/** The image indices of each class, in stored order. */
export function indicesByClass(set: ImageSet): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i];
    let list = byClass.get(label);
    if (!list) byClass.set(label, (list = []));
    list.push(i);
  }
  return byClass;
}

/**
 * Splits a set into train and test per class, keeping the stored order: of each class's `n`
 * images the first `n - round(n × testFraction)` go to train and the rest to test. This is the
 * fixed split for MNIST and for imports that come as one file or one folder.
 */
export function splitPerClass(set: ImageSet, testFraction: number): { train: ImageSet; test: ImageSet } {
  const byClass = indicesByClass(set);
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(label)!;
    const trainCount = list.length - Math.round(list.length * testFraction);
    train.push(...list.slice(0, trainCount));
    test.push(...list.slice(trainCount));
  }
  return { train: selectImages(set, train), test: selectImages(set, test) };
}

/**
 * Splits a set's indices into a training part and a held-out validation part of
 * `round(count × fraction)` images chosen by a seeded shuffle. Both parts are sorted, so
 * they can be passed as `indices` to `createBatches`.
 */
export function splitValidation(
  set: ImageSet,
  fraction: number,
  seed: number,
): { train: Uint32Array; validation: Uint32Array } {
  if (!(fraction >= 0 && fraction < 1))
    throw new RangeError(`Validation fraction must be in [0, 1), got ${fraction}.`);
  const order = permutation(set.count, seed);
  const validationCount = Math.round(set.count * fraction);
  return {
    validation: order.slice(0, validationCount).sort(),
    train: order.slice(validationCount).sort(),
  };
}

/**
 * At most `limit` image indices chosen by a seeded shuffle (sorted), for runs on a subset;
 * all indices when `limit` is at least the set's size.
 */
export function limitIndices(set: ImageSet, limit: number, seed: number): Uint32Array {
  if (!(limit >= 0)) throw new RangeError(`Image limit must be a non-negative number, got ${limit}.`);
  return permutation(set.count, seed)
    .slice(0, Math.min(set.count, Math.floor(limit)))
    .sort();
}

/** Number of images per class label, for a set with `classCount` classes. */
export function classCounts(set: ImageSet, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < set.count; i++) counts[set.labels[i]]++;
  return counts;
}
