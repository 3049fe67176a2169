/** Small images for display (dataset gallery, predictions), and back to model input. */
import type { SampleImage } from '../../protocol/api';
import { imageSize, indicesByClass } from '../image-set';
import { mulberry32, shuffleInPlace } from '../random';
import type { ImageSet } from '../types';
import { createBatches } from './batches';

/**
 * `count` images of `set` (at most all of them), chosen by a seeded shuffle and taken from
 * the classes in turn, so a small gallery shows every class. Pixels are the stored bytes.
 */
export function sampleImages(set: ImageSet, count: number, seed = 0): SampleImage[] {
  const random = mulberry32(seed);
  const byClass = indicesByClass(set);
  const queues = [...byClass.keys()]
    .sort((a, b) => a - b)
    .map((label) => shuffleInPlace(byClass.get(label)!, random));
  const chosen: number[] = [];
  const wanted = Math.min(Math.max(0, Math.floor(count)), set.count);
  for (let round = 0; chosen.length < wanted; round++) {
    for (const queue of queues) if (round < queue.length && chosen.length < wanted) chosen.push(queue[round]);
  }
  return chosen.map((index) => toSample(set, index));
}

/** Image `index` of `set` as a `SampleImage`. */
export function toSample(set: ImageSet, index: number): SampleImage {
  const size = imageSize(set);
  const pixels = Buffer.from(set.images.buffer, set.images.byteOffset + index * size, size).toString(
    'base64',
  );
  return { width: set.width, height: set.height, channels: set.channels, pixels, label: set.labels[index] };
}

/** A `SampleImage` as a one-image set; throws if its pixels don't match its size. */
export function sampleToImageSet(sample: SampleImage): ImageSet {
  const images = new Uint8Array(Buffer.from(sample.pixels, 'base64'));
  const expected = sample.width * sample.height * sample.channels;
  if (images.length !== expected) {
    throw new Error(
      `Sample image has ${images.length} pixel bytes, expected ${sample.width}×${sample.height}×${sample.channels} = ${expected}.`,
    );
  }
  const labels = Uint8Array.of(Math.max(0, Math.min(255, sample.label | 0)));
  return { count: 1, height: sample.height, width: sample.width, channels: sample.channels, images, labels };
}

/** A `SampleImage` as model input: `H × W × C` floats, through the same pipeline as training. */
export function sampleToInput(sample: SampleImage, target: readonly [number, number, number]): Float32Array {
  const [batch] = createBatches(sampleToImageSet(sample), { batchSize: 1, target, shuffle: false, seed: 0 });
  return batch.xs;
}
