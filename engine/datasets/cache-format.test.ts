import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildSynthetic } from './builtin/synthetic';
import { writeDatasetCache } from './cache-file';
import { crc32, decodeDatasetCache, DatasetCacheError, encodeDatasetCache } from './cache-format';
import { useTempDir } from './test-support/temp-dir';

const tempDir = useTempDir();
const data = buildSynthetic();

function concat(parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

describe('dataset cache format (runs anywhere)', () => {
  it('computes the same CRC-32 as zlib, also when continued', () => {
    const bytes = data.train.images.subarray(0, 10_000);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(bytes.subarray(5000), crc32(bytes.subarray(0, 5000)))).toBe(zlibCrc32(bytes));
  });

  it('encodes byte for byte what the engine writes to a cache file, and decodes it back', async () => {
    const file = join(tempDir(), 'synthetic.bin');
    await writeDatasetCache(file, data);
    const written = new Uint8Array(readFileSync(file));
    expect(Buffer.compare(concat(encodeDatasetCache(data)), written)).toBe(0);
    const back = decodeDatasetCache('test', written);
    expect(back.name).toBe(data.name);
    expect(back.classNames).toEqual(data.classNames);
    expect(back.train.count).toBe(data.train.count);
    expect(Buffer.compare(back.train.images, data.train.images)).toBe(0);
    expect(Buffer.compare(back.test.labels, data.test.labels)).toBe(0);
  });

  it('refuses truncated, corrupt and foreign bytes, naming the source', () => {
    const bytes = concat(encodeDatasetCache(data));
    expect(() => decodeDatasetCache('GET /x', bytes.subarray(0, bytes.length - 1))).toThrow(
      /GET \/x: .*truncated or padded/,
    );
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0xff;
    expect(() => decodeDatasetCache('x', flipped)).toThrow(/checksum mismatch/);
    const foreign = bytes.slice();
    foreign[0] = 0x41;
    expect(() => decodeDatasetCache('x', foreign)).toThrow(DatasetCacheError);
  });
});
