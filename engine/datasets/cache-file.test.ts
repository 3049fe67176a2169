import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetCacheError, readDatasetCache, writeDatasetCache, type CachedDataset } from './cache-file';
import { loadOrBuildCache, readCachedDataset } from './cache-store';
import { buildSynthetic } from './builtin/synthetic';
import { useTempDir } from './test-support/temp-dir';

const tempDir = useTempDir();
const data: CachedDataset = buildSynthetic();

describe('dataset cache file', () => {
  it('round-trips names, labels and pixels, leaving no temporary file', async () => {
    const dir = tempDir();
    const file = join(dir, 'synthetic.bin');
    await writeDatasetCache(file, data);
    expect(readdirSync(dir)).toEqual(['synthetic.bin']);
    const back = await readDatasetCache(file);
    expect(back.name).toBe(data.name);
    expect(back.classNames).toEqual(data.classNames);
    expect(back.train.count).toBe(2000);
    expect(Buffer.compare(back.train.images, data.train.images)).toBe(0);
    expect(Buffer.compare(back.test.labels, data.test.labels)).toBe(0);
  });

  it('detects a truncated file, a flipped byte and a wrong magic', async () => {
    const dir = tempDir();
    const file = join(dir, 'synthetic.bin');
    await writeDatasetCache(file, data);
    const bytes = readFileSync(file);

    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    await expect(readDatasetCache(file)).rejects.toThrow(/expected \d+ \(truncated or padded\)/);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5] ^= 0xff;
    writeFileSync(file, flipped);
    await expect(readDatasetCache(file)).rejects.toThrow(/checksum mismatch/);

    const wrong = Buffer.from(bytes);
    wrong.write('NOTADSET', 0, 'latin1');
    writeFileSync(file, wrong);
    await expect(readDatasetCache(file)).rejects.toThrow(DatasetCacheError);
    await expect(readDatasetCache(file)).rejects.toThrow(/magic is "NOTADSET"/);
  });

  it('builds once, then reads the cache; a damaged cache is reported and rebuilt', async () => {
    const dataDir = tempDir();
    let builds = 0;
    const build = async (): Promise<CachedDataset> => {
      builds++;
      return data;
    };
    const messages: string[] = [];
    const options = { dataDir, cacheDir: '', log: (m: string) => messages.push(m) };
    await loadOrBuildCache('s.bin', options, build);
    await loadOrBuildCache('s.bin', options, build);
    expect(builds).toBe(1);

    const file = join(dataDir, 'datasets', 's.bin');
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    const rebuilt = await loadOrBuildCache('s.bin', options, build);
    expect(builds).toBe(2);
    expect(rebuilt.train.count).toBe(2000);
    expect(messages.join()).toMatch(/s\.bin: .*truncated.*; rebuilding it/);
    expect((await readDatasetCache(file)).train.count).toBe(2000);
  });

  it('shares one conversion between callers asking at the same time', async () => {
    const dataDir = tempDir();
    let builds = 0;
    const build = async (): Promise<CachedDataset> => {
      builds++;
      await new Promise((done) => setTimeout(done, 20));
      return data;
    };
    const options = { dataDir, cacheDir: '' };
    const [a, b] = await Promise.all([
      loadOrBuildCache('c.bin', options, build),
      loadOrBuildCache('c.bin', options, build),
    ]);
    expect(builds).toBe(1);
    expect(a === b).toBe(true);
  });

  it('keeps a loaded cache in memory until its file changes', async () => {
    const file = join(tempDir(), 'm.bin');
    await writeDatasetCache(file, data);
    const first = await readCachedDataset(file);
    // Identity checked as booleans: a failing toBe would diff megabytes of pixels.
    expect((await readCachedDataset(file)) === first).toBe(true);
    await writeDatasetCache(file, { ...data, name: 'changed' });
    const second = await readCachedDataset(file);
    expect(second === first).toBe(false);
    expect(second.name).toBe('changed');
  });

  it('uses a shipped cache folder before converting', async () => {
    const shipped = tempDir();
    await writeDatasetCache(join(shipped, 's.bin'), data);
    const dataDir = tempDir();
    const loaded = await loadOrBuildCache('s.bin', { dataDir, cacheDir: shipped }, async () => {
      throw new Error('should not convert');
    });
    expect(loaded.test.count).toBe(500);
    expect(existsSync(join(dataDir, 'datasets', 's.bin'))).toBe(false);
  });
});
