import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxBytes, writeIdxPair } from '../test-support/fixtures';
import { useTempDir } from '../test-support/temp-dir';
import { importIdx, readIdx } from './idx';
import { DatasetImportError } from './import-error';

const tempDir = useTempDir();
const labels = (count: number): number[] => Array.from({ length: count }, (_, i) => i % 3);

describe('IDX import', () => {
  it('reads a folder of plain train and gzipped test files', async () => {
    const dir = tempDir();
    writeIdxPair(join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-labels-idx1-ubyte'), labels(12), 4);
    writeIdxPair(
      join(dir, 't10k-images-idx3-ubyte.gz'),
      join(dir, 't10k-labels-idx1-ubyte.gz'),
      labels(6),
      4,
      { gzip: true },
    );
    const { train, test, classNames } = await importIdx(dir);
    expect(train).toMatchObject({ count: 12, height: 4, width: 4, channels: 1 });
    expect(test.count).toBe(6);
    expect(classNames).toEqual(['0', '1', '2']);
    expect([...train.labels.subarray(0, 4)]).toEqual([0, 1, 2, 0]);
    // Image 1's first pixel is 10 (see writeIdxPair), in both plain and gzipped files.
    expect(train.images[16]).toBe(10);
    expect(test.images[16]).toBe(10);
  });

  it('splits a single images file per class, finding its labels file by name', async () => {
    const dir = tempDir();
    writeIdxPair(
      join(dir, 'digits-images-idx3-ubyte.gz'),
      join(dir, 'digits-labels-idx1-ubyte.gz'),
      labels(30),
      2,
      { gzip: true },
    );
    const { train, test } = await importIdx(join(dir, 'digits-images-idx3-ubyte.gz'));
    expect(train.count).toBe(24);
    expect(test.count).toBe(6);
  });

  it('names the file and the magic found when a file has the wrong magic', async () => {
    const dir = tempDir();
    // Labels written where the images belong.
    writeIdxPair(join(dir, 'train-labels-idx1-ubyte'), join(dir, 'train-images-idx3-ubyte'), labels(4), 2);
    await expect(importIdx(dir)).rejects.toThrow(
      /train-images-idx3-ubyte: magic number 0x00000801 found, expected 0x00000803/,
    );
  });

  it('reports truncated files, plain and gzipped', async () => {
    const dir = tempDir();
    const images = join(dir, 'train-images-idx3-ubyte');
    writeIdxPair(images, join(dir, 'train-labels-idx1-ubyte'), labels(5), 4);
    writeFileSync(images, readFileSync(images).subarray(0, 50));
    await expect(importIdx(dir)).rejects.toThrow(
      /train-images-idx3-ubyte: truncated: .* promises 80 data bytes but 34 follow/,
    );

    const gz = tempDir();
    const gzImages = join(gz, 'train-images-idx3-ubyte.gz');
    writeIdxPair(gzImages, join(gz, 'train-labels-idx1-ubyte.gz'), labels(5), 4, { gzip: true });
    writeFileSync(gzImages, readFileSync(gzImages).subarray(0, 20));
    await expect(importIdx(gz)).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: cannot decompress the gzip data/,
    );
  });

  it('rejects a count mismatch between images and labels from the labels header', async () => {
    const dir = tempDir();
    writeIdxPair(join(dir, 'train-images-idx3-ubyte'), join(dir, 'unused'), labels(5), 2);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([4], Uint8Array.of(0, 1, 0, 1)));
    await expect(importIdx(dir)).rejects.toThrow(
      /train-labels-idx1-ubyte: holds 4 labels but .*train-images-idx3-ubyte holds 5 images/,
    );
  });

  it('parses headers and rejects trailing bytes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x'), idxBytes([2, 1, 1], Uint8Array.of(7, 9)));
    const parsed = await readIdx(join(dir, 'x'), 0x803);
    expect(parsed.dims).toEqual([2, 1, 1]);
    expect([...parsed.data]).toEqual([7, 9]);
    writeFileSync(join(dir, 'y'), idxBytes([1], Uint8Array.of(1, 2)));
    await expect(readIdx(join(dir, 'y'), 0x801)).rejects.toThrow(
      /y: more bytes than the 1 data bytes its header \(sizes 1\) promises \(at least 1 unexpected bytes follow\)/,
    );
  });

  it('refuses a small gzip whose header claims 1e9 images before inflating or allocating it', async () => {
    const dir = tempDir();
    // 64 MB of zeros after a header claiming 1e9 28×28 images: about 64 KB gzipped.
    const header = idxBytes([1e9, 28, 28], new Uint8Array(0));
    const zeros = new Uint8Array(64 * 2 ** 20);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([header, zeros])));
    writeIdxPair(join(dir, 'unused'), join(dir, 'train-labels-idx1-ubyte.gz'), labels(2), 28, { gzip: true });
    const before = process.memoryUsage().arrayBuffers;
    const error = await importIdx(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetImportError);
    expect((error as Error).message).toMatch(
      /train-images-idx3-ubyte\.gz: 1,000,000,000 images of 784 pixels make 784,000,000,000 pixels; at most 134,217,728 pixels per dataset/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });

  it('stops inflating a gzip bomb as soon as it passes what the header promises', async () => {
    const dir = tempDir();
    // The header promises 2 images of 2×2 (8 bytes); the stream inflates to 64 MB.
    const bomb = gzipSync(
      Buffer.concat([idxBytes([2, 2, 2], new Uint8Array(0)), new Uint8Array(64 * 2 ** 20)]),
    );
    writeFileSync(join(dir, 'bomb-images-idx3-ubyte.gz'), bomb);
    const started = performance.now();
    const before = process.memoryUsage().arrayBuffers;
    await expect(readIdx(join(dir, 'bomb-images-idx3-ubyte.gz'), 0x803)).rejects.toThrow(
      /bomb-images-idx3-ubyte\.gz: more bytes than the 8 data bytes its header \(sizes 2×2×2\) promises/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses empty images, an empty images file and images above the per-image cap from the header', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-images-idx3-ubyte');
    writeFileSync(file, idxBytes([3, 0, 5], new Uint8Array(0)));
    await expect(importIdx(file)).rejects.toThrow(/a-images-idx3-ubyte: the image is empty \(5×0 pixels\)/);
    writeFileSync(file, idxBytes([0, 2, 2], new Uint8Array(0)));
    await expect(importIdx(file)).rejects.toThrow(/a-images-idx3-ubyte: holds no images/);
    writeFileSync(file, idxBytes([1, 5000, 5000], new Uint8Array(10)));
    await expect(importIdx(file)).rejects.toThrow(
      /a-images-idx3-ubyte: the image is 5000×5000 = 25,000,000 pixels/,
    );
  });

  it('counts train and test images against one dataset cap', async () => {
    const dir = tempDir();
    writeIdxPair(join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-labels-idx1-ubyte'), labels(4), 2);
    writeIdxPair(join(dir, 't10k-images-idx3-ubyte'), join(dir, 't10k-labels-idx1-ubyte'), labels(2), 2);
    const limits = { maxImagePixels: 4, maxDatasetPixels: 20 };
    await expect(importIdx(dir, limits)).rejects.toThrow(
      /t10k-images-idx3-ubyte: 2 images of 4 pixels make 24 pixels \(with the 16 pixels of its train images\); at most 20/,
    );
    expect((await importIdx(dir, { ...limits, maxDatasetPixels: 24 })).test.count).toBe(2);
  });
});
