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
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { splitPerClass } from '../image-set';
import type { ImageSet } from '../types';
import { IMPORT_TEST_FRACTION, numericClassNames, type ImportedImages } from './imported';

const IMAGES_MAGIC = 0x803;
const LABELS_MAGIC = 0x801;

const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;

/** An IDX file's sizes and its data bytes (a view of the input). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Decodes IDX bytes (gunzipping them first if they are gzip), checking the magic and length. */
export function parseIdx(input: Uint8Array, file: string, expectedMagic: number): IdxArray {
  let bytes = input;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new Error(
        `${file}: cannot decompress the gzip data (${(error as Error).message}); is the file truncated?`,
        {
          cause: error,
        },
      );
    }
  }
  const what = expectedMagic === IMAGES_MAGIC ? 'an IDX images file' : 'an IDX labels file';
  if (bytes.length < 4) throw new Error(`${file}: only ${bytes.length} bytes, too short to be ${what}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new Error(`${file}: magic number ${hex(magic)} found, expected ${hex(expectedMagic)} (${what}).`);
  }
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes)
    throw new Error(`${file}: truncated inside the header (${bytes.length} bytes).`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual < dataBytes) {
    throw new Error(
      `${file}: truncated: the header (sizes ${dims.join('×')}) promises ${dataBytes} data bytes but ${actual} follow.`,
    );
  }
  if (actual > dataBytes) {
    throw new Error(
      `${file}: ${actual - dataBytes} unexpected bytes after the ${dataBytes} data bytes of sizes ${dims.join('×')}.`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads an images file and its labels file into one `ImageSet`. */
export async function readIdxPair(imagesFile: string, labelsFile: string): Promise<ImageSet> {
  const images = parseIdx(await readFile(imagesFile), imagesFile, IMAGES_MAGIC);
  const labels = parseIdx(await readFile(labelsFile), labelsFile, LABELS_MAGIC);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(`${imagesFile} holds ${count} images but ${labelsFile} holds ${labels.dims[0]} labels.`);
  }
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
    if (found[role])
      throw new Error(`${folder}: both ${basename(found[role]!)} and ${name} look like the ${role} file.`);
    found[role] = join(folder, name);
  }
  return found;
}

function labelsFileFor(imagesFile: string): string {
  return join(dirname(imagesFile), basename(imagesFile).replace('images', 'labels').replace('idx3', 'idx1'));
}

/** Imports IDX files from a folder or from one images file (see the module comment). */
export async function importIdx(path: string): Promise<ImportedImages> {
  if ((await stat(path)).isFile()) {
    const labelsFile = labelsFileFor(path);
    if (labelsFile === path)
      throw new Error(
        `${path}: cannot tell the labels file's name (expected 'images' or 'idx3' in the name).`,
      );
    const all = await readIdxPair(path, labelsFile);
    return { classNames: numericClassNames(all), ...splitPerClass(all, IMPORT_TEST_FRACTION) };
  }
  const files = await findIdxFiles(path);
  if (!files.trainImages || !files.trainLabels) {
    throw new Error(
      `${path}: no IDX training pair found (expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]).`,
    );
  }
  const train = await readIdxPair(files.trainImages, files.trainLabels);
  if (!files.testImages !== !files.testLabels) {
    throw new Error(
      `${path}: found ${basename((files.testImages ?? files.testLabels)!)} but not its partner test file.`,
    );
  }
  if (!files.testImages || !files.testLabels) {
    return { classNames: numericClassNames(train), ...splitPerClass(train, IMPORT_TEST_FRACTION) };
  }
  const test = await readIdxPair(files.testImages, files.testLabels);
  if (test.height !== train.height || test.width !== train.width) {
    throw new Error(
      `${files.testImages} holds ${test.height}×${test.width} images but ${files.trainImages} holds ${train.height}×${train.width}.`,
    );
  }
  return { classNames: numericClassNames(train, test), train, test };
}
