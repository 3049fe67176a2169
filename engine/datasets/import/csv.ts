/**
 * CSV of label and pixels, one image per row: `label,p0,p1,…` with an optional header row
 * (recognised by a first field that is not a number, e.g. Kaggle's `label,pixel1,…`). Labels
 * are class indices 0–255; pixels are numbers 0–255 (non-integers are rounded), in HWC
 * row-major order. The pixel count fixes the shape: n = s² is s×s grey, n = 3·s² is s×s RGB.
 *
 * `path` is one CSV file (each class split, its last 20% test) or a folder holding
 * `train.csv` and `test.csv`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { allocateImageSet, splitPerClass } from '../image-set';
import type { ImageSet } from '../types';
import { IMPORT_TEST_FRACTION, numericClassNames, type ImportedImages } from './imported';

/** The square image shape for `pixels` values, or null if it is neither s² nor 3·s². */
export function shapeForPixelCount(pixels: number): { side: number; channels: number } | null {
  for (const channels of [1, 3]) {
    const side = Math.round(Math.sqrt(pixels / channels));
    if (side > 0 && side * side * channels === pixels) return { side, channels };
  }
  return null;
}

/** Parses CSV text into an `ImageSet`; errors name the file, the 1-based row and the value. */
export function parseImageCsv(text: string, file: string): ImageSet {
  const lines = text.split(/\r?\n/);
  const rows: Array<{ line: number; fields: string[] }> = [];
  lines.forEach((text, i) => {
    if (text.trim() !== '') rows.push({ line: i + 1, fields: text.split(',') });
  });
  if (rows.length > 0 && Number.isNaN(Number(rows[0].fields[0].trim() || 'x'))) rows.shift();
  if (rows.length === 0) throw new Error(`${file}: no data rows.`);

  const pixels = rows[0].fields.length - 1;
  const shape = shapeForPixelCount(pixels);
  if (!shape) {
    throw new Error(
      `${file}: row ${rows[0].line} has ${pixels} pixel values, which is not a square image (s×s or s×s×3).`,
    );
  }
  const set = allocateImageSet(rows.length, shape.side, shape.side, shape.channels);
  rows.forEach(({ line, fields }, i) => {
    if (fields.length - 1 !== pixels) {
      throw new Error(
        `${file}: row ${line} has ${fields.length - 1} pixel values, expected ${pixels} as in row ${rows[0].line}.`,
      );
    }
    const label = Number(fields[0]);
    if (fields[0].trim() === '' || !Number.isInteger(label) || label < 0 || label > 255) {
      throw new Error(`${file}: row ${line}: label ${JSON.stringify(fields[0])} is not a class index 0–255.`);
    }
    set.labels[i] = label;
    const base = i * pixels;
    for (let p = 0; p < pixels; p++) {
      const field = fields[p + 1];
      const value = Number(field);
      if (field.trim() === '' || !(value >= 0 && value <= 255)) {
        throw new Error(
          `${file}: row ${line}, column ${p + 2}: value ${JSON.stringify(field)} is not a pixel value 0–255.`,
        );
      }
      set.images[base + p] = Math.round(value);
    }
  });
  return set;
}

async function readCsv(file: string): Promise<ImageSet> {
  return parseImageCsv(await readFile(file, 'utf8'), file);
}

/** Imports one CSV file or a folder with train.csv and test.csv (see the module comment). */
export async function importCsv(path: string): Promise<ImportedImages> {
  if ((await stat(path)).isFile()) {
    const all = await readCsv(path);
    return { classNames: numericClassNames(all), ...splitPerClass(all, IMPORT_TEST_FRACTION) };
  }
  const train = await readCsv(join(path, 'train.csv'));
  const test = await readCsv(join(path, 'test.csv'));
  if (test.height !== train.height || test.channels !== train.channels) {
    throw new Error(
      `${join(path, 'test.csv')} holds ${test.height}×${test.width}×${test.channels} images but train.csv holds ` +
        `${train.height}×${train.width}×${train.channels}.`,
    );
  }
  return { classNames: numericClassNames(train, test), train, test };
}
