/**
 * CSV of label and pixels, one image per row: `label,p0,p1,…` with an optional header row
 * (recognised by having no plain number in it, e.g. Kaggle's `label,pixel1,…`). Labels are
 * class indices 0–255 written as decimal digits; pixels are plain decimal numbers 0–255
 * (`12`, `12.5`; non-integers are rounded) — no signs, exponents, hex or other forms that
 * JavaScript's `Number()` would take. Pixels are in HWC row-major order. The pixel count fixes
 * the shape: n = s² is s×s grey, n = 3·s² is s×s RGB.
 *
 * `path` is one CSV file (each class split, its last 20% test) or a folder holding
 * `train.csv` and optionally `test.csv` (without it, train.csv is split the same way; a
 * test.csv with no data rows means the dataset has no test images).
 *
 * Memory: the text is walked line by line (no array of every row or field); the image buffer
 * is allocated once, after the row count and the first row's shape passed the caps.
 */
import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { allocateImageSet, splitPerClass } from '../image-set';
import type { ImageSet } from '../types';
import {
  checkDatasetSize,
  checkImageSize,
  DatasetImportError,
  DEFAULT_IMPORT_LIMITS,
  figure,
  type ImportLimits,
} from './import-error';
import { IMPORT_TEST_FRACTION, numericClassNames, type ImportedImages } from './imported';

/** Largest CSV read: V8 strings stop near 512 MiB, and that already holds ~128 M pixels. */
const MAX_CSV_BYTES = 512 * 2 ** 20;

const PLAIN_DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const DIGITS = /^\d+$/;

/** The square image shape for `pixels` values, or null if it is neither s² nor 3·s². */
export function shapeForPixelCount(pixels: number): { side: number; channels: number } | null {
  for (const channels of [1, 3]) {
    const side = Math.round(Math.sqrt(pixels / channels));
    if (side > 0 && side * side * channels === pixels) return { side, channels };
  }
  return null;
}

interface Row {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/** The non-blank lines of `text` (LF or CRLF), without building an array of them. */
function* rowsOf(text: string): Generator<Row> {
  for (let start = 0, line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const row = text.slice(start, text[end - 1] === '\r' ? end - 1 : end);
    if (row.trim() !== '') yield { line, text: row };
    start = end + 1;
  }
}

const isHeader = (row: Row): boolean => !row.text.split(',').some((f) => PLAIN_DECIMAL.test(f.trim()));

/** Options of `parseImageCsv`. */
export interface CsvParseOptions {
  limits?: ImportLimits;
  /** Pixels of the same dataset already read (train.csv's, when parsing test.csv). */
  pixelsBefore?: number;
  /** If given, a file without data rows is an empty set of this shape instead of an error. */
  emptyShape?: Pick<ImageSet, 'height' | 'width' | 'channels'>;
}

/**
 * Parses CSV text into an `ImageSet`; errors are `DatasetImportError`s naming the file, the
 * 1-based row and column, and the value.
 */
export function parseImageCsv(
  text: string,
  file: string,
  { limits = DEFAULT_IMPORT_LIMITS, pixelsBefore = 0, emptyShape }: CsvParseOptions = {},
): ImageSet {
  let first: Row | null = null;
  let count = 0;
  for (const row of rowsOf(text)) {
    if (!first && count === 0 && isHeader(row)) continue;
    first ??= row;
    count++;
  }
  if (!first) {
    if (emptyShape) return allocateImageSet(0, emptyShape.height, emptyShape.width, emptyShape.channels);
    throw new DatasetImportError(file, 'no data rows.');
  }
  const pixels = first.text.split(',').length - 1;
  const shape = shapeForPixelCount(pixels);
  if (!shape) {
    throw new DatasetImportError(
      file,
      `has ${pixels} pixel values, which is not a square image (s×s or s×s×3).`,
      { row: first.line },
    );
  }
  checkImageSize(file, shape.side, shape.side, limits);
  checkDatasetSize(file, count, shape.side * shape.side, limits, pixelsBefore);

  const set = allocateImageSet(count, shape.side, shape.side, shape.channels);
  let index = 0;
  for (const row of rowsOf(text)) {
    if (row.line < first.line) continue; // the header
    const fields = row.text.split(',');
    if (fields.length - 1 !== pixels) {
      throw new DatasetImportError(
        file,
        `has ${fields.length - 1} pixel values, expected ${pixels} as in row ${first.line}.`,
        { row: row.line },
      );
    }
    const labelText = fields[0].trim();
    const label = Number(labelText);
    if (!DIGITS.test(labelText) || label > 255) {
      throw new DatasetImportError(file, `label ${JSON.stringify(fields[0])} is not a class index 0–255.`, {
        row: row.line,
        column: 1,
      });
    }
    set.labels[index] = label;
    const base = index * pixels;
    for (let p = 0; p < pixels; p++) {
      const field = fields[p + 1].trim();
      const value = Number(field);
      if (!PLAIN_DECIMAL.test(field) || value > 255) {
        throw new DatasetImportError(
          file,
          `value ${JSON.stringify(fields[p + 1])} is not a pixel value 0–255 (a plain decimal number).`,
          { row: row.line, column: p + 2 },
        );
      }
      set.images[base + p] = Math.round(value);
    }
    index++;
  }
  return set;
}

async function readCsv(file: string, options: CsvParseOptions): Promise<ImageSet> {
  const { size } = await stat(file);
  if (size > MAX_CSV_BYTES) {
    throw new DatasetImportError(
      file,
      `${figure(size)} bytes; CSV files of at most ${figure(MAX_CSV_BYTES)} bytes are imported (use IDX or images).`,
    );
  }
  return parseImageCsv(await readFile(file, 'utf8'), file, options);
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Imports one CSV file or a folder with train.csv and test.csv (see the module comment). */
export async function importCsv(
  path: string,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
): Promise<ImportedImages> {
  const isFile = (await stat(path)).isFile();
  const trainFile = isFile ? path : join(path, 'train.csv');
  if (!isFile && !(await exists(trainFile))) {
    throw new DatasetImportError(
      path,
      'no train.csv in this folder (expected train.csv and optionally test.csv).',
    );
  }
  const train = await readCsv(trainFile, { limits });
  const testFile = join(path, 'test.csv');
  if (isFile || !(await exists(testFile))) {
    return { classNames: numericClassNames(train), ...splitPerClass(train, IMPORT_TEST_FRACTION) };
  }
  const pixelsBefore = train.count * train.height * train.width;
  const test = await readCsv(testFile, { limits, pixelsBefore, emptyShape: train });
  if (test.height !== train.height || test.channels !== train.channels) {
    throw new DatasetImportError(
      testFile,
      `holds ${test.height}×${test.width}×${test.channels} images but train.csv holds ` +
        `${train.height}×${train.width}×${train.channels}.`,
    );
  }
  return { classNames: numericClassNames(train, test), train, test };
}
