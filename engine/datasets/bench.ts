/**
 * Batch-pipeline benchmark for `cnn-studio bench`: images per second turned from bytes into
 * model input at 28×28 (no resize), 96×96 and 224×224 (the book's resized Fashion-MNIST),
 * on the synthetic 28×28×1 images, shuffled, on the calling thread.
 *
 * Rates are per second of this process's CPU time (`process.cpuUsage`), not wall time: the
 * pipeline runs on one core, and CPU time stays honest on a machine busy with other work.
 */
import { buildSynthetic } from './builtin/synthetic';
import { createBatches } from './pipeline/batches';
import type { ImageSet } from './types';

export interface PipelineBenchOptions {
  /** Minimum time to measure each size, in milliseconds (default 400). */
  minMilliseconds?: number;
  batchSize?: number;
  /** Also apply flip and crop augmentation (default false). */
  augment?: boolean;
}

export interface PipelineBenchResult {
  imagesPerSecond28: number;
  imagesPerSecond96: number;
  imagesPerSecond224: number;
}

/** Milliseconds of CPU time (user + system) this process has used. */
function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function measure(set: ImageSet, side: number, options: Required<PipelineBenchOptions>): number {
  const started = cpuMilliseconds();
  const elapsed = (): number => cpuMilliseconds() - started;
  let images = 0;
  let epoch = 0;
  while (elapsed() < options.minMilliseconds) {
    for (const batch of createBatches(set, {
      batchSize: options.batchSize,
      target: [side, side, 1],
      shuffle: true,
      seed: epoch++,
      augmentFlip: options.augment,
      augmentCrop: options.augment,
    })) {
      images += batch.size;
      if (elapsed() >= options.minMilliseconds) break;
    }
  }
  return Math.round(images / (elapsed() / 1000));
}

/** Measures the pipeline's throughput at three input sizes (about 1.2 CPU-seconds by default). */
export function benchPipeline(options: PipelineBenchOptions = {}): PipelineBenchResult {
  const settings = { minMilliseconds: 400, batchSize: 256, augment: false, ...options };
  const { train } = buildSynthetic();
  return {
    imagesPerSecond28: measure(train, 28, settings),
    imagesPerSecond96: measure(train, 96, settings),
    imagesPerSecond224: measure(train, 224, settings),
  };
}
