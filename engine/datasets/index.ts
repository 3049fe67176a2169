/**
 * Datasets and the batch pipeline (Node only).
 *
 * - `listDatasets` / `openDataset` / `importDataset`: built-in Fashion-MNIST, MNIST and
 *   synthetic shapes, plus imported IDX, image-folder and CSV datasets, all kept as one
 *   binary cache per dataset in `<dataDir>/datasets/`.
 * - `createBatches`: bytes → normalized [0, 1] float batches at the model's input shape
 *   (bilinear resize, channel adaptation, seeded shuffle, optional flip/crop augmentation).
 * - `splitValidation`, `limitIndices`, `sampleImages`, `sampleToInput`, `benchPipeline`.
 *
 * @example
 * ```ts
 * const { train } = await openDataset('fashion-mnist', { dataDir });
 * for (const batch of createBatches(train, { batchSize: 256, target: [224, 224, 1], shuffle: true, seed: epoch })) {
 *   const xs = tf.tensor4d(batch.xs, [batch.size, 224, 224, 1]);
 * }
 * ```
 */
export type { Dataset, DatasetLocation, ImageSet } from './types';
export { listDatasets, openDataset, importDataset, type DatasetOptions } from './catalog';
export { createBatches, batchCount, cropPadding, type Batch, type BatchOptions } from './pipeline/batches';
export { sampleImages, sampleToInput, sampleToImageSet, toSample } from './pipeline/samples';
export { splitValidation, limitIndices, selectImages, classCounts, imageSize } from './image-set';
export { benchPipeline, type PipelineBenchOptions, type PipelineBenchResult } from './bench';
export { DatasetCacheError } from './cache-file';
export {
  DatasetImportError,
  DEFAULT_IMPORT_LIMITS,
  type FilePosition,
  type ImportLimits,
} from './import/import-error';
export { inferImportKind } from './import/kind';
export { writeShippedCaches } from './builtin/catalog';
export { mulberry32, permutation } from './random';
