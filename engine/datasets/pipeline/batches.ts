/**
 * The batch pipeline: stored bytes → float batches in the model's input shape.
 *
 * Normalization: pixels are scaled to plain [0, 1] (byte / 255), with no mean/std
 * standardization — what the book's `transforms.ToTensor()` gives for Fashion-MNIST, so the
 * book's learning rates carry over. Images are resized bilinearly (half-pixel centres) to the
 * target height × width and their channels adapted (1 → 3 repeats, 3 → 1 is BT.601 luma).
 *
 * Augmentation (training only, both off by default):
 * - `augmentFlip`: a horizontal flip with probability ½;
 * - `augmentCrop`: a random crop after zero padding of ⅛ of the side on every edge (4 px at
 *   28 and 32, as the usual CIFAR recipe), i.e. a random shift of up to ±⅛ of the image,
 *   applied at the stored size before resizing.
 *
 * Randomness comes from `seed` alone: the same seed gives the same order and augmentations.
 * Pass a different seed per epoch (e.g. `seed + epoch`) for a fresh shuffle each epoch.
 */
import { mulberry32, randomInt, shuffleInPlace } from '../random';
import type { ImageSet } from '../types';
import { createImageWriter, NO_AUGMENTATION, type Placement } from './image-writer';

/** One batch of model input. */
export interface Batch {
  /** Images in this batch (the last batch may be smaller than `batchSize`). */
  size: number;
  /** `size × H × W × C` floats in [0, 1], NHWC. */
  xs: Float32Array;
  /** Class index per image. */
  labels: Int32Array;
  /** Which images of the set these are (e.g. to show misclassified ones). */
  indices: Uint32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Model input shape `[height, width, channels]`. */
  target: readonly [number, number, number];
  shuffle: boolean;
  seed: number;
  augmentFlip?: boolean;
  augmentCrop?: boolean;
  /** Only these images of the set (e.g. a validation split or a limit). */
  indices?: Uint32Array;
  /**
   * Reuse one `xs`/`labels`/`indices` buffer for every batch (each batch overwrites the last).
   * Only for consumers that copy a batch before asking for the next; off by default, when each
   * batch gets its own buffers (one allocation per batch, none per image).
   */
  reuseBuffers?: boolean;
}

/** Padding of the random crop: ⅛ of the shorter side, at least 1 pixel. */
export function cropPadding(height: number, width: number): number {
  return Math.max(1, Math.round(Math.min(height, width) / 8));
}

function checkOptions(set: ImageSet, options: BatchOptions): void {
  const { batchSize, target } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${JSON.stringify(batchSize)}.`);
  }
  if (target.length !== 3 || !target.every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(
      `target must be [height, width, channels] of positive integers, got ${JSON.stringify(target)}.`,
    );
  }
  const bad = options.indices?.find((i) => i >= set.count);
  if (bad !== undefined)
    throw new RangeError(`Image index ${bad} is outside the set of ${set.count} images.`);
}

/**
 * Batches of `set` in the model's input shape, written straight from the byte store into
 * float buffers. Iterate it once per epoch; the last batch holds the remainder.
 */
export function* createBatches(set: ImageSet, options: BatchOptions): Generator<Batch, void, undefined> {
  checkOptions(set, options);
  const { batchSize, target } = options;
  const writer = createImageWriter([set.height, set.width, set.channels], target);
  const order = options.indices
    ? Uint32Array.from(options.indices)
    : Uint32Array.from({ length: set.count }, (_, i) => i);
  if (options.shuffle) shuffleInPlace(order, mulberry32(options.seed));

  const augmentRandom = mulberry32((options.seed ^ 0x9e3779b9) >>> 0);
  const padding = cropPadding(set.height, set.width);
  const placement: Placement = { ...NO_AUGMENTATION };
  const inputSize = target[0] * target[1] * target[2];
  const shared = options.reuseBuffers ? makeBuffers(Math.min(batchSize, order.length), inputSize) : null;

  for (let start = 0; start < order.length; start += batchSize) {
    const size = Math.min(batchSize, order.length - start);
    const buffers = shared ?? makeBuffers(size, inputSize);
    const batch: Batch = {
      size,
      xs: shared ? buffers.xs.subarray(0, size * inputSize) : buffers.xs,
      labels: shared ? buffers.labels.subarray(0, size) : buffers.labels,
      indices: shared ? buffers.indices.subarray(0, size) : buffers.indices,
    };
    for (let i = 0; i < size; i++) {
      const index = order[start + i];
      placement.flip = options.augmentFlip === true && augmentRandom() < 0.5;
      if (options.augmentCrop) {
        placement.dx = randomInt(augmentRandom, 2 * padding + 1) - padding;
        placement.dy = randomInt(augmentRandom, 2 * padding + 1) - padding;
      }
      writer.write(set.images, index, batch.xs, i * inputSize, placement);
      batch.labels[i] = set.labels[index];
      batch.indices[i] = index;
    }
    yield batch;
  }
}

function makeBuffers(
  size: number,
  inputSize: number,
): { xs: Float32Array; labels: Int32Array; indices: Uint32Array } {
  return {
    xs: new Float32Array(size * inputSize),
    labels: new Int32Array(size),
    indices: new Uint32Array(size),
  };
}

/** Number of batches `createBatches` yields for `count` images. */
export function batchCount(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}
