/**
 * A folder of images, one sub-folder per class (`cats/001.png`, `dogs/002.jpg`, …), decoded
 * with pngjs and jpeg-js. Classes are the sub-folder names in natural order (`2` before
 * `10`). Files other than .png/.jpg/.jpeg and names starting with a dot are ignored.
 *
 * If the folder holds `train/` and `test/` sub-folders, each with the class folders, those are
 * the split (a `test/` without class folders means no test set); otherwise each class is split
 * in file-name order, its last 20% test.
 *
 * Decisions: all images must have one size — a different one is an error naming the first
 * odd file and both sizes (resize them first; silently resampling would hide a mistake).
 * Images are stored grey (1 channel) when every pixel of every image has R = G = B, else RGB;
 * alpha is dropped.
 *
 * Memory: each file's size is read from its header (`image-header.ts`) and checked against the
 * caps (`ImportLimits`: pixels per image, pixels per dataset; empty images are refused) before
 * it is decoded, and the dataset's buffer is allocated once, after the first header fixed the
 * size. Decoded images are packed at once, so at most one decoded image is alive at a time.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { splitPerClass } from '../image-set';
import type { ImageSet } from '../types';
import { readImageHeader, type ImageHeader } from './image-header';
import {
  checkDatasetSize,
  checkImageSize,
  DatasetImportError,
  DEFAULT_IMPORT_LIMITS,
  figure,
  type ImportLimits,
} from './import-error';
import { IMPORT_TEST_FRACTION, type ImportedImages } from './imported';
import { inferImportKind } from './kind';

interface LabelledFile {
  file: string;
  label: number;
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * Largest file read as one image: a PNG stored without compression needs about 4 bytes per
 * pixel, so anything past 5 bytes per allowed pixel (plus room for metadata) is not an image
 * within the cap, and is refused before it is read into memory.
 */
const maxFileBytes = (limits: ImportLimits): number => 5 * limits.maxImagePixels + 16 * 2 ** 20;

/** A file's bytes, refusing one too large to hold an image within the caps. */
async function readImageBytes(file: string, limits: ImportLimits): Promise<Uint8Array> {
  const { size } = await stat(file);
  if (size > maxFileBytes(limits)) {
    throw new DatasetImportError(
      file,
      `${figure(size)} bytes, more than an image of at most ${figure(limits.maxImagePixels)} pixels can take.`,
    );
  }
  return readFile(file);
}

/** Decodes PNG or JPEG bytes whose `header` passed the caps to RGBA, checking the decoded size. */
function decodeChecked(
  bytes: Uint8Array,
  header: ImageHeader,
  file: string,
  limits: ImportLimits,
): { width: number; height: number; rgba: Uint8Array } {
  let decoded: { width: number; height: number; rgba: Uint8Array };
  try {
    if (header.format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      decoded = { width: png.width, height: png.height, rgba: png.data };
    } else {
      const image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        // jpeg-js's own guards, in case its reading of the header differs from ours.
        maxResolutionInMP: limits.maxImagePixels / 1e6,
        maxMemoryUsageInMB: Math.ceil((limits.maxImagePixels * 8) / 2 ** 20) + 64,
      });
      decoded = { width: image.width, height: image.height, rgba: image.data };
    }
  } catch (error) {
    throw new DatasetImportError(
      file,
      `not a readable ${header.format.toUpperCase()} image (${(error as Error).message}).`,
    );
  }
  if (decoded.width !== header.width || decoded.height !== header.height) {
    throw new DatasetImportError(
      file,
      `its header says ${header.width}×${header.height} but it decodes to ${decoded.width}×${decoded.height}.`,
    );
  }
  return decoded;
}

async function subfolders(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(naturalOrder);
}

async function imageFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && /^\.(png|jpe?g)$/i.test(extname(e.name)))
    .map((e) => e.name)
    .sort(naturalOrder);
}

/** The image files of each class folder under `root`, labelled by `labelOf(className)`. */
async function listClassFiles(
  root: string,
  classNames: string[],
  labelOf: (className: string) => number,
): Promise<LabelledFile[]> {
  const files: LabelledFile[] = [];
  for (const className of classNames) {
    const folder = join(root, className);
    const names = await imageFiles(folder);
    if (names.length === 0) {
      throw new DatasetImportError(folder, `class folder '${className}' holds no PNG or JPEG images.`);
    }
    for (const name of names) files.push({ file: join(folder, name), label: labelOf(className) });
  }
  return files;
}

/**
 * Decodes `files` into one RGB set, checking each header before decoding. `root` is named
 * when the dataset as a whole exceeds its cap.
 */
async function decodeAll(
  root: string,
  files: LabelledFile[],
  limits: ImportLimits,
): Promise<{ set: ImageSet; grey: boolean }> {
  let first: { file: string; width: number; height: number } | null = null;
  let set: ImageSet | null = null;
  let grey = true;
  for (const [index, { file, label }] of files.entries()) {
    const bytes = await readImageBytes(file, limits);
    const header = readImageHeader(bytes, file);
    checkImageSize(file, header.width, header.height, limits);
    if (!first || !set) {
      first = { file, width: header.width, height: header.height };
      checkDatasetSize(root, files.length, header.width * header.height, limits);
      set = {
        count: files.length,
        height: header.height,
        width: header.width,
        channels: 3,
        images: new Uint8Array(files.length * header.width * header.height * 3),
        labels: new Uint8Array(files.length),
      };
    } else if (header.width !== first.width || header.height !== first.height) {
      throw new DatasetImportError(
        file,
        `is ${header.width}×${header.height} but ${first.file} is ${first.width}×${first.height}; ` +
          'all images of a dataset must have one size (resize them first).',
      );
    }
    const { rgba } = decodeChecked(bytes, header, file, limits);
    const pixels = header.width * header.height;
    const base = index * pixels * 3;
    for (let p = 0; p < pixels; p++) {
      const r = rgba[p * 4];
      const g = rgba[p * 4 + 1];
      const b = rgba[p * 4 + 2];
      set.images[base + p * 3] = r;
      set.images[base + p * 3 + 1] = g;
      set.images[base + p * 3 + 2] = b;
      if (r !== g || r !== b) grey = false;
    }
    set.labels[index] = label;
  }
  if (!set) throw new DatasetImportError(root, 'no images found.');
  return { set, grey };
}

/** The images `[from, to)` of an RGB set, as grey (its R channel) or as RGB copies. */
function part(rgb: ImageSet, from: number, to: number, grey: boolean): ImageSet {
  const pixels = rgb.height * rgb.width;
  const channels = grey ? 1 : 3;
  const images = new Uint8Array((to - from) * pixels * channels);
  if (grey) {
    for (let i = 0, src = from * pixels * 3; i < images.length; i++, src += 3) images[i] = rgb.images[src];
  } else {
    images.set(rgb.images.subarray(from * pixels * 3, to * pixels * 3));
  }
  return {
    count: to - from,
    height: rgb.height,
    width: rgb.width,
    channels,
    images,
    labels: rgb.labels.slice(from, to),
  };
}

/** Imports a folder of class folders (see the module comment). */
export async function importImageFolder(
  path: string,
  limits: ImportLimits = DEFAULT_IMPORT_LIMITS,
): Promise<ImportedImages> {
  const top = await subfolders(path);
  const hasSplit = top.includes('train') && top.includes('test');
  const trainRoot = hasSplit ? join(path, 'train') : path;
  const classNames = await subfolders(trainRoot);
  if (classNames.length === 0) {
    const other = await inferImportKind(path).catch(() => 'folder');
    const hint = other === 'folder' ? '' : ` It holds ${other.toUpperCase()} files: import it as ${other}.`;
    throw new DatasetImportError(
      path,
      `no class sub-folders found (expected one folder of images per class).${hint}`,
    );
  }
  if (classNames.length > 256) {
    throw new DatasetImportError(path, `${classNames.length} classes; at most 256 are supported.`);
  }
  const labelOf = (name: string): number => classNames.indexOf(name);
  const trainFiles = await listClassFiles(trainRoot, classNames, labelOf);
  let testFiles: LabelledFile[] = [];
  if (hasSplit) {
    const testClasses = await subfolders(join(path, 'test'));
    const unknown = testClasses.find((name) => !classNames.includes(name));
    if (unknown) {
      throw new DatasetImportError(
        join(path, 'test', unknown),
        `class '${unknown}' does not appear in ${trainRoot}.`,
      );
    }
    testFiles = await listClassFiles(join(path, 'test'), testClasses, labelOf);
  }
  const { set, grey } = await decodeAll(path, [...trainFiles, ...testFiles], limits);
  const train = part(set, 0, trainFiles.length, grey);
  if (!hasSplit) return { classNames, ...splitPerClass(train, IMPORT_TEST_FRACTION) };
  return { classNames, train, test: part(set, trainFiles.length, set.count, grey) };
}
