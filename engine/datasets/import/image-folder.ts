/**
 * A folder of images, one sub-folder per class (`cats/001.png`, `dogs/002.jpg`, …), decoded
 * with pngjs and jpeg-js. Classes are the sub-folder names in natural order (`2` before
 * `10`). Files other than .png/.jpg/.jpeg and names starting with a dot are ignored.
 *
 * If the folder holds `train/` and `test/` sub-folders, each with the class folders, those are
 * the split; otherwise each class is split in file-name order, its last 20% test.
 *
 * Decisions: all images must have one size — a different one is an error naming the first
 * odd file and both sizes (resize them first; silently resampling would hide a mistake).
 * Images are stored grey (1 channel) when every pixel of every image has R = G = B, else RGB;
 * alpha is dropped.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { allocateImageSet, splitPerClass } from '../image-set';
import type { ImageSet } from '../types';
import { IMPORT_TEST_FRACTION, type ImportedImages } from './imported';

interface DecodedImage {
  file: string;
  label: number;
  width: number;
  height: number;
  /** RGBA bytes. */
  rgba: Uint8Array;
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Decodes a PNG or JPEG file to RGBA; throws an error naming the file if it can't. */
export async function decodeImageFile(
  file: string,
): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const bytes = await readFile(file);
  try {
    if (extname(file).toLowerCase() === '.png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, rgba: image.data };
  } catch (error) {
    throw new Error(
      `${file}: not a readable ${extname(file).slice(1).toUpperCase()} image (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
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

async function decodeClasses(root: string, classNames: string[]): Promise<DecodedImage[]> {
  const images: DecodedImage[] = [];
  for (const [label, className] of classNames.entries()) {
    const folder = join(root, className);
    const files = await imageFiles(folder);
    if (files.length === 0)
      throw new Error(`${folder}: class folder '${className}' holds no PNG or JPEG images.`);
    for (const name of files) {
      const file = join(folder, name);
      images.push({ file, label, ...(await decodeImageFile(file)) });
    }
  }
  return images;
}

function isGrey(images: DecodedImage[]): boolean {
  return images.every(({ rgba }) => {
    for (let i = 0; i < rgba.length; i += 4)
      if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
    return true;
  });
}

function checkOneSize(images: DecodedImage[]): void {
  const first = images[0];
  const odd = images.find((image) => image.width !== first.width || image.height !== first.height);
  if (odd) {
    throw new Error(
      `${odd.file} is ${odd.width}×${odd.height} but ${first.file} is ${first.width}×${first.height}; ` +
        'all images of a dataset must have one size (resize them first).',
    );
  }
}

function pack(images: DecodedImage[], channels: number): ImageSet {
  const { width, height } = images[0];
  const set = allocateImageSet(images.length, height, width, channels);
  const pixels = width * height;
  images.forEach(({ rgba, label }, i) => {
    const base = i * pixels * channels;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) set.images[base + p * channels + c] = rgba[p * 4 + c];
    }
    set.labels[i] = label;
  });
  return set;
}

/** Imports a folder of class folders (see the module comment). */
export async function importImageFolder(path: string): Promise<ImportedImages> {
  const top = await subfolders(path);
  const hasSplit = top.includes('train') && top.includes('test');
  const classNames = await subfolders(hasSplit ? join(path, 'train') : path);
  if (classNames.length === 0)
    throw new Error(`${path}: no class sub-folders found (expected one folder of images per class).`);
  if (classNames.length > 256)
    throw new Error(`${path}: ${classNames.length} classes; at most 256 are supported.`);

  const trainImages = await decodeClasses(hasSplit ? join(path, 'train') : path, classNames);
  let testImages: DecodedImage[] = [];
  if (hasSplit) {
    const unknown = (await subfolders(join(path, 'test'))).find((name) => !classNames.includes(name));
    if (unknown)
      throw new Error(
        `${join(path, 'test', unknown)}: class '${unknown}' does not appear in ${join(path, 'train')}.`,
      );
    const testClasses = await subfolders(join(path, 'test'));
    testImages = (await decodeClasses(join(path, 'test'), testClasses)).map((image) => ({
      ...image,
      label: classNames.indexOf(testClasses[image.label]),
    }));
  }
  const all = [...trainImages, ...testImages];
  checkOneSize(all);
  const channels = isGrey(all) ? 1 : 3;
  if (!hasSplit) return { classNames, ...splitPerClass(pack(trainImages, channels), IMPORT_TEST_FRACTION) };
  return { classNames, train: pack(trainImages, channels), test: pack(testImages, channels) };
}
