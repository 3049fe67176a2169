import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idxBytes, writeIdxPair } from '../test-support/fixtures';
import { useTempDir } from '../test-support/temp-dir';
import { importIdx, parseIdx } from './idx';

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

  it('rejects a count mismatch between images and labels', async () => {
    const dir = tempDir();
    writeIdxPair(join(dir, 'train-images-idx3-ubyte'), join(dir, 'unused'), labels(5), 2);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([4], Uint8Array.of(0, 1, 0, 1)));
    await expect(importIdx(dir)).rejects.toThrow(
      /holds 5 images but .*train-labels-idx1-ubyte holds 4 labels/,
    );
  });

  it('parses headers and rejects trailing bytes', () => {
    const parsed = parseIdx(idxBytes([2, 1, 1], Uint8Array.of(7, 9)), 'x', 0x803);
    expect(parsed.dims).toEqual([2, 1, 1]);
    expect([...parsed.data]).toEqual([7, 9]);
    expect(() => parseIdx(idxBytes([1], Uint8Array.of(1, 2)), 'y', 0x801)).toThrow(/y: 1 unexpected bytes/);
  });
});
