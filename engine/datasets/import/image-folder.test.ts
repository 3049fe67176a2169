import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpegClaiming, pngClaiming, solid, writeJpeg, writePng } from '../test-support/fixtures';
import { useTempDir } from '../test-support/temp-dir';
import { importImageFolder } from './image-folder';
import { DatasetImportError } from './import-error';

const tempDir = useTempDir();

/** A folder with classes `cat` and `dog`, five grey 4×3 PNGs each (grey level 10·i). */
function greyFolder(): string {
  const dir = tempDir();
  for (const name of ['cat', 'dog']) {
    for (let i = 0; i < 5; i++)
      writePng(join(dir, name, `${i}.png`), 4, 3, solid(4, 3, [10 * i, 10 * i, 10 * i]));
  }
  writeFileSync(join(dir, 'cat', 'notes.txt'), 'ignored');
  return dir;
}

describe('image folder import', () => {
  it('reads grey PNGs as one channel, classes in natural order, split per class', async () => {
    const { classNames, train, test } = await importImageFolder(greyFolder());
    expect(classNames).toEqual(['cat', 'dog']);
    expect(train).toMatchObject({ count: 8, height: 3, width: 4, channels: 1 });
    expect(test.count).toBe(2);
    expect([...train.labels]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(train.images[12]).toBe(10); // second image of 'cat'
    expect([...test.labels]).toEqual([0, 1]);
  });

  it('reads colour JPEGs as RGB and uses train/test folders when present', async () => {
    const dir = tempDir();
    for (const [split, count] of [
      ['train', 3],
      ['test', 1],
    ] as const) {
      for (let i = 0; i < count; i++) {
        writeJpeg(join(dir, split, 'red', `${i}.jpg`), 8, 8, solid(8, 8, [250, 0, 0]));
        writeJpeg(join(dir, split, 'blue', `${i}.jpeg`), 8, 8, solid(8, 8, [0, 0, 250]));
      }
    }
    const { classNames, train, test } = await importImageFolder(dir);
    expect(classNames).toEqual(['blue', 'red']);
    expect(train).toMatchObject({ count: 6, channels: 3, height: 8, width: 8 });
    expect(test.count).toBe(2);
    const [r, g, b] = train.images.subarray(0, 3);
    expect(b).toBeGreaterThan(200);
    expect(r + g).toBeLessThan(40);
  });

  it('names a corrupt image', async () => {
    const dir = greyFolder();
    writeFileSync(join(dir, 'dog', '3.png'), 'not a png');
    await expect(importImageFolder(dir)).rejects.toThrow(
      /dog[\\/]3\.png: neither a PNG nor a JPEG image \(it starts with bytes 6e 6f 74 20\)/,
    );
    // A real PNG cut short after its header is named by the decoder's failure.
    writeFileSync(join(dir, 'dog', '3.png'), readFileSync(join(dir, 'dog', '2.png')).subarray(0, 40));
    await expect(importImageFolder(dir)).rejects.toThrow(/dog[\\/]3\.png: not a readable PNG image/);
  });

  it('names the first image of a different size and both sizes', async () => {
    const dir = greyFolder();
    writePng(join(dir, 'dog', '2.png'), 5, 5, solid(5, 5, [0, 0, 0]));
    await expect(importImageFolder(dir)).rejects.toThrow(
      /dog[\\/]2\.png: is 5×5 but .*cat[\\/]0\.png is 4×3/,
    );
  });

  it('rejects a folder without class folders and an empty class', async () => {
    await expect(importImageFolder(tempDir())).rejects.toThrow(/no class sub-folders found/);
    const csvFolder = tempDir();
    writeFileSync(join(csvFolder, 'train.csv'), '0,1,2,3,4\n');
    await expect(importImageFolder(csvFolder)).rejects.toThrow(
      /no class sub-folders found \(expected one folder of images per class\)\. It holds CSV files: import it as csv\./,
    );
    const dir = greyFolder();
    writePng(join(dir, 'empty', 'sub', 'x.png'), 4, 3, solid(4, 3, [0, 0, 0]));
    await expect(importImageFolder(dir)).rejects.toThrow(/class folder 'empty' holds no PNG or JPEG images/);
  });

  it('refuses an image whose header claims more pixels than the cap, before decoding it', async () => {
    const dir = greyFolder();
    // 74 bytes claiming 20000×20000: decoding it used to allocate 1.6 GB.
    writeFileSync(join(dir, 'dog', '4.png'), pngClaiming(20000, 20000));
    const heapBefore = process.memoryUsage().arrayBuffers;
    const error = await importImageFolder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetImportError);
    expect((error as Error).message).toMatch(
      /dog[\\/]4\.png: the image is 20000×20000 = 400,000,000 pixels; at most 16,777,216 pixels per image/,
    );
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 2 ** 20);

    writeFileSync(join(dir, 'dog', '4.png'), jpegClaiming(65000, 30000));
    await expect(importImageFolder(dir)).rejects.toThrow(/dog[\\/]4\.png: the image is 65000×30000/);
  });

  it('refuses empty (0×0) images', async () => {
    const dir = greyFolder();
    writeFileSync(join(dir, 'cat', '0.png'), pngClaiming(0, 0));
    await expect(importImageFolder(dir)).rejects.toThrow(/cat[\\/]0\.png: the image is empty \(0×0 pixels\)/);
    writeFileSync(join(dir, 'cat', '0.png'), jpegClaiming(7, 0));
    await expect(importImageFolder(dir)).rejects.toThrow(/cat[\\/]0\.png: the image is empty \(7×0 pixels\)/);
  });

  it('refuses a dataset above the total pixel cap, naming the folder and the figures', async () => {
    const dir = greyFolder(); // 10 images of 4×3
    await expect(importImageFolder(dir, { maxImagePixels: 12, maxDatasetPixels: 100 })).rejects.toThrow(
      /: 10 images of 12 pixels make 120 pixels; at most 100 pixels per dataset/,
    );
    await expect(importImageFolder(dir, { maxImagePixels: 11, maxDatasetPixels: 1000 })).rejects.toThrow(
      /cat[\\/]0\.png: the image is 4×3 = 12 pixels; at most 11 pixels per image/,
    );
    expect((await importImageFolder(dir, { maxImagePixels: 12, maxDatasetPixels: 120 })).train.count).toBe(8);
  });

  it('imports train/ with an empty test/ as a dataset with no test images', async () => {
    const dir = tempDir();
    for (const name of ['a', 'b']) writePng(join(dir, 'train', name, '0.png'), 2, 2, solid(2, 2, [1, 2, 3]));
    mkdirSync(join(dir, 'test'));
    const { train, test, classNames } = await importImageFolder(dir);
    expect(classNames).toEqual(['a', 'b']);
    expect(train).toMatchObject({ count: 2, channels: 3 });
    expect(test).toMatchObject({ count: 0, height: 2, width: 2, channels: 3 });
  });
});
