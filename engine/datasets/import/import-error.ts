/**
 * The error every importer throws for bad input: a sentence that names the file (and the row
 * and column of a CSV value), carried as `DatasetImportError` so the CLI, the server and the
 * editor show the message alone, never a stack trace.
 */

/** Where in a text file a bad value sits (1-based). */
export interface FilePosition {
  row: number;
  column?: number;
}

/** Bad or oversized input found while importing a dataset; the message names the file. */
export class DatasetImportError extends Error {
  constructor(
    /** The file or folder at fault. */
    readonly file: string,
    reason: string,
    /** For text formats: the 1-based row (and column) of the bad value. */
    readonly position?: FilePosition,
  ) {
    const where = position
      ? `row ${position.row}${position.column === undefined ? '' : `, column ${position.column}`}: `
      : '';
    super(`${file}: ${where}${reason}`);
    this.name = 'DatasetImportError';
  }
}

/**
 * Caps that keep an import's memory in proportion to real data rather than to what a header
 * claims. Checked against header figures before anything of that size is decoded or allocated.
 */
export interface ImportLimits {
  /** Most pixels (width × height) one image may have. */
  maxImagePixels: number;
  /** Most pixels (width × height, summed over every image, train and test) one dataset may have. */
  maxDatasetPixels: number;
}

/**
 * Default caps. 4096 × 4096 = 16.7 MP per image (a decoded RGBA image is then at most 64 MiB);
 * 2^27 = 134 M pixels per dataset (2.4× Fashion-MNIST's 55 M; at most 384 MiB stored as RGB,
 * which a desktop machine can hold while the split copy is made).
 */
export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = {
  maxImagePixels: 4096 * 4096,
  maxDatasetPixels: 2 ** 27,
};

/** `1234567` → `"1,234,567"`, for figures in messages. */
export const figure = (value: number): string => value.toLocaleString('en-US');

/** Refuses an image size above the per-image cap or an empty one. */
export function checkImageSize(file: string, width: number, height: number, limits: ImportLimits): void {
  if (width === 0 || height === 0) {
    throw new DatasetImportError(file, `the image is empty (${width}×${height} pixels).`);
  }
  if (width * height > limits.maxImagePixels) {
    throw new DatasetImportError(
      file,
      `the image is ${width}×${height} = ${figure(width * height)} pixels; at most ${figure(limits.maxImagePixels)} ` +
        'pixels per image are imported (resize it first).',
    );
  }
}

/**
 * Refuses a dataset of `count` images of `pixelsPerImage` pixels above the dataset cap;
 * `pixelsBefore` are pixels of the same dataset already read (its train images, for a test file).
 */
export function checkDatasetSize(
  file: string,
  count: number,
  pixelsPerImage: number,
  limits: ImportLimits,
  pixelsBefore = 0,
): void {
  const total = pixelsBefore + count * pixelsPerImage;
  if (total > limits.maxDatasetPixels) {
    const before = pixelsBefore > 0 ? ` (with the ${figure(pixelsBefore)} pixels of its train images)` : '';
    throw new DatasetImportError(
      file,
      `${figure(count)} images of ${figure(pixelsPerImage)} pixels make ${figure(total)} pixels${before}; at most ` +
        `${figure(limits.maxDatasetPixels)} pixels per dataset are imported (use fewer or smaller images).`,
    );
  }
}
