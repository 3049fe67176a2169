/**
 * IDX files, the original (Fashion-)MNIST format: a big-endian u32 magic `0x0000080N` (unsigned
 * bytes, N dimensions), N big-endian u32 sizes, then the bytes. Images are `0x803`
 * (count × rows × columns), labels `0x801` (count). Files may be gzipped.
 *
 * `path` is either a folder holding the train and test pairs (`train-images-idx3-ubyte[.gz]`,
 * `train-labels-idx1-ubyte[.gz]`, `t10k-…`; names containing `train`/`test`/`t10k` and
 * `images`/`labels` are recognised) or one images file, whose labels file is found by
 * replacing `images` with `labels` and `idx3` with `idx1` in its name. A folder without a test
 * pair, or a single images file, is split per class (the last 20% of each class test).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { splitPerClass } from '../image-set';
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

const IMAGES_MAGIC = 0x803;
const LABELS_MAGIC = 0x801;

const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;

/** An IDX file's sizes and its data bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** The file's bytes as they come off the disk, gunzipped on the fly when it starts with gzip's magic. */
async function openIdxStream(file: string): Promise<{ stream: Readable; gzip: boolean }> {
  const handle = await open(file);
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  const gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  const raw = handle.createReadStream({ start: 0 }); // closes the handle when done or destroyed
  if (!gzip) return { stream: raw, gzip };
  // pipeline destroys both streams when either fails or the reader stops early.
  return { stream: pipeline(raw, createGunzip(), () => undefined), gzip };
}

/**
 * Reads an IDX file (gunzipping it on the fly if it is gzip), checking the magic, then letting
 * `checkDims` refuse the header's sizes before any data is kept. Data is read only as far as
 * the header promises: a file (or a decompressed stream) longer than that is refused as soon
 * as it passes the promised length, so a small gzip bomb is never inflated in full, and
 * memory grows with the bytes actually there, not with what the header claims.
 */
export async function readIdx(
  file: string,
  expectedMagic: number,
  checkDims: (dims: number[]) => void = () => undefined,
): Promise<IdxArray> {
  const what = expectedMagic === IMAGES_MAGIC ? 'an IDX images file' : 'an IDX labels file';
  const rank = expectedMagic & 0xff;
  const headerBytes = 4 + 4 * rank;
  const { stream, gzip } = await openIdxStream(file);
  let header = Buffer.alloc(0);
  let dims: number[] | null = null;
  let dataBytes = 0;
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let rest = chunk;
      if (!dims) {
        const missing = headerBytes - header.length;
        header = Buffer.concat([header, rest.subarray(0, missing)]);
        rest = rest.subarray(missing);
        if (header.length >= 4 && header.readUInt32BE(0) !== expectedMagic) {
          throw new DatasetImportError(
            file,
            `magic number ${hex(header.readUInt32BE(0))} found, expected ${hex(expectedMagic)} (${what}).`,
          );
        }
        if (header.length < headerBytes) continue;
        dims = Array.from({ length: rank }, (_, i) => header.readUInt32BE(4 + 4 * i));
        checkDims(dims);
        dataBytes = dims.reduce((a, b) => a * b, 1);
      }
      if (rest.length === 0) continue;
      received += rest.length;
      if (received > dataBytes) {
        throw new DatasetImportError(
          file,
          `more bytes than the ${figure(dataBytes)} data bytes its header (sizes ${dims.join('×')}) promises ` +
            `(at least ${figure(received - dataBytes)} unexpected bytes follow).`,
        );
      }
      chunks.push(rest);
    }
  } catch (error) {
    if (error instanceof DatasetImportError) throw error;
    const reason = (error as Error).message;
    throw new DatasetImportError(
      file,
      gzip
        ? `cannot decompress the gzip data (${reason}); is the file truncated?`
        : `cannot read it (${reason}).`,
    );
  } finally {
    stream.destroy();
  }
  if (!dims) {
    if (header.length < 4) {
      throw new DatasetImportError(file, `only ${header.length} bytes, too short to be ${what}.`);
    }
    throw new DatasetImportError(file, `truncated inside the header (${header.length} bytes).`);
  }
  if (received < dataBytes) {
    throw new DatasetImportError(
      file,
      `truncated: the header (sizes ${dims.join('×')}) promises ${figure(dataBytes)} data bytes but ${figure(received)} follow.`,
    );
  }
  return { dims, data: Buffer.concat(chunks, received) };
}

/**
 * Reads an images file and its labels file into one `ImageSet`, refusing from the headers
 * alone images above the per-image cap, empty images, more pixels than `limits` allow and a
 * labels file whose count differs from the images'.
 */
export async function readIdxPair(
  imagesFile: string,
  labelsFile: string,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
  pixelsBefore = 0,
): Promise<ImageSet> {
  const images = await readIdx(imagesFile, IMAGES_MAGIC, ([count, height, width]) => {
    if (count === 0) throw new DatasetImportError(imagesFile, 'holds no images (its header says 0).');
    checkImageSize(imagesFile, width, height, limits);
    checkDatasetSize(imagesFile, count, height * width, limits, pixelsBefore);
  });
  const [count, height, width] = images.dims;
  const labels = await readIdx(labelsFile, LABELS_MAGIC, ([labelCount]) => {
    if (labelCount !== count) {
      throw new DatasetImportError(
        labelsFile,
        `holds ${figure(labelCount)} labels but ${imagesFile} holds ${figure(count)} images.`,
      );
    }
  });
  return { count, height, width, channels: 1, images: images.data, labels: labels.data };
}

type Role = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

function roleOf(name: string): Role | null {
  const lower = name.toLowerCase();
  const isImages = /images|idx3/.test(lower);
  const isLabels = /labels|idx1/.test(lower);
  const isTest = /t10k|test/.test(lower);
  const isTrain = /train/.test(lower);
  if (isImages === isLabels || isTest === isTrain) return null;
  return `${isTrain ? 'train' : 'test'}${isImages ? 'Images' : 'Labels'}`;
}

async function findIdxFiles(folder: string): Promise<Partial<Record<Role, string>>> {
  const found: Partial<Record<Role, string>> = {};
  for (const name of (await readdir(folder)).sort()) {
    const role = roleOf(name);
    if (!role) continue;
    if (found[role]) {
      throw new DatasetImportError(
        folder,
        `both ${basename(found[role]!)} and ${name} look like the ${role} file.`,
      );
    }
    found[role] = join(folder, name);
  }
  return found;
}

function labelsFileFor(imagesFile: string): string {
  return join(dirname(imagesFile), basename(imagesFile).replace('images', 'labels').replace('idx3', 'idx1'));
}

/** Imports IDX files from a folder or from one images file (see the module comment). */
export async function importIdx(
  path: string,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
): Promise<ImportedImages> {
  if ((await stat(path)).isFile()) {
    const labelsFile = labelsFileFor(path);
    if (labelsFile === path) {
      throw new DatasetImportError(
        path,
        "cannot tell the labels file's name (expected 'images' or 'idx3' in the name).",
      );
    }
    const all = await readIdxPair(path, labelsFile, limits);
    return { classNames: numericClassNames(all), ...splitPerClass(all, IMPORT_TEST_FRACTION) };
  }
  const files = await findIdxFiles(path);
  if (!files.trainImages || !files.trainLabels) {
    throw new DatasetImportError(
      path,
      'no IDX training pair found (expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]).',
    );
  }
  const train = await readIdxPair(files.trainImages, files.trainLabels, limits);
  if (!files.testImages !== !files.testLabels) {
    throw new DatasetImportError(
      path,
      `found ${basename((files.testImages ?? files.testLabels)!)} but not its partner test file.`,
    );
  }
  if (!files.testImages || !files.testLabels) {
    return { classNames: numericClassNames(train), ...splitPerClass(train, IMPORT_TEST_FRACTION) };
  }
  // Train and test share the dataset's pixel budget.
  const trainPixels = train.count * train.height * train.width;
  const test = await readIdxPair(files.testImages, files.testLabels, limits, trainPixels);
  if (test.height !== train.height || test.width !== train.width) {
    throw new DatasetImportError(
      files.testImages,
      `holds ${test.height}×${test.width} images but ${files.trainImages} holds ${train.height}×${train.width}.`,
    );
  }
  return { classNames: numericClassNames(train, test), train, test };
}
