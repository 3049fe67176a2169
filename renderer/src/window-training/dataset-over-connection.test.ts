import { describe, expect, it } from 'vitest';
import type { DatasetCacheChunk } from '../../../engine/protocol/api';
import { bytesToBase64 } from '../training/base64';
import { pageHasDatasetRoute, readDatasetCache } from './dataset-over-connection';

/** An engine whose dataset cache is `bytes`, answering slices as the engine host does. */
function engineWith(bytes: Uint8Array, grow = false) {
  const calls: Array<[number, number]> = [];
  return {
    calls,
    async datasetCacheChunk(_id: string, offset: number, length: number): Promise<DatasetCacheChunk> {
      calls.push([offset, length]);
      const total = bytes.length + (grow && calls.length > 1 ? 1 : 0);
      return { total, base64: bytesToBase64(bytes.subarray(offset, offset + length)) };
    },
  };
}

describe('reading a dataset cache over the engine connection', () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);

  it('asks for consecutive slices and puts them together', async () => {
    const engine = engineWith(bytes);
    expect(await readDatasetCache(engine, 'synthetic', 300)).toEqual(bytes);
    expect(engine.calls).toEqual([
      [0, 300],
      [300, 300],
      [600, 300],
      [900, 300],
    ]);
  });

  it('reads a cache of one slice in one call, and an empty one', async () => {
    expect(await readDatasetCache(engineWith(bytes), 'synthetic', 4096)).toEqual(bytes);
    expect(await readDatasetCache(engineWith(new Uint8Array(0)), 'empty', 4096)).toEqual(new Uint8Array(0));
  });

  it('refuses a dataset that changes size while it is read', async () => {
    await expect(readDatasetCache(engineWith(bytes, true), 'fashion-mnist', 300)).rejects.toThrow(
      "dataset 'fashion-mnist' changed while it was read (1000 → 1001 bytes)",
    );
  });

  it('uses the HTTP route only where the page is served over HTTP', () => {
    expect(pageHasDatasetRoute('http:')).toBe(true);
    expect(pageHasDatasetRoute('https:')).toBe(true);
    expect(pageHasDatasetRoute('app:')).toBe(false);
  });
});
