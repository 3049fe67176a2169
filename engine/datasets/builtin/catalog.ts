/** The built-in datasets: what the editor lists, and how each one is loaded. */
import type { DatasetInfo } from '../../protocol/api';
import type { CachedDataset } from '../cache-file';
import { loadOrBuildCache, type CacheOptions } from '../cache-store';
import { buildFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_SIZES } from './fashion-mnist';
import { buildMnist, MNIST_CLASSES, MNIST_SIZES } from './mnist';
import { buildSynthetic, SYNTHETIC_CLASSES, SYNTHETIC_SIZES } from './synthetic';

interface BuiltinDataset {
  info: DatasetInfo;
  load(options: CacheOptions): Promise<CachedDataset>;
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
    load: (options) => loadOrBuildCache('fashion-mnist.bin', options, buildFashionMnist),
  },
  {
    info: info('mnist', 'MNIST', MNIST_SIZES, MNIST_CLASSES),
    load: (options) => loadOrBuildCache('mnist.bin', options, buildMnist),
  },
  {
    info: info('synthetic', 'Synthetic shapes', SYNTHETIC_SIZES, SYNTHETIC_CLASSES),
    load: async () => buildSynthetic(),
  },
];

export function getBuiltin(id: string): BuiltinDataset | undefined {
  return builtinDatasets.find((dataset) => dataset.info.id === id);
}
