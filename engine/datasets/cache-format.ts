/**
 * The binary dataset cache's byte layout, runs-anywhere: the engine writes it to disk
 * (`cache-file.ts`, with zlib's native CRC-32) and streams it to the window's training
 * worker (`GET /datasets/<id>/cache`), which decodes it here with the plain-JS CRC-32.
 *
 * Layout (little-endian):
 * ```
 *  0  8 bytes  magic "CNNSDSET"
 *  8  u32      format version (1)
 * 12  u32      train count        16  u32  test count
 * 20  u32      height             24  u32  width        28  u32  channels
 * 32  u32      class count        36  u32  metadata length (UTF-8 JSON bytes)
 * 40  u32      CRC-32 of everything after the header
 * 44  u32      reserved (0)
 * 48  metadata JSON {name, classNames}
 *     train labels, test labels, train pixels, test pixels
 * ```
 */
import type { ImageSet } from './types';

const MAGIC = 'CNNSDSET';
const VERSION = 1;
const HEADER_BYTES = 48;

/** What a cache holds (the same shape as cache-file's `CachedDataset`). */
export interface DatasetCacheContents {
  name: string;
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
}

/** A cache that is missing, truncated, corrupt or of another version; `source` says where it came from. */
export class DatasetCacheError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`Dataset cache ${source}: ${reason}`);
    this.name = 'DatasetCacheError';
  }
}

/** CRC-32 (IEEE, as zlib's `crc32`) of `bytes`, continuing from `previous`. */
export type Crc32 = (bytes: Uint8Array, previous?: number) => number;

let crcTable: Uint32Array | null = null;

/** CRC-32 in plain JavaScript (~300 MB/s): for browsers; Node passes zlib's native one. */
export const crc32: Crc32 = (bytes, previous = 0) => {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

/**
 * The cache's bytes as parts to write or send in order (header, metadata, labels, pixels);
 * the image and label parts are the dataset's own arrays, not copies.
 */
export function encodeDatasetCache(data: DatasetCacheContents, checksum: Crc32 = crc32): Uint8Array[] {
  const { train, test } = data;
  if (train.height !== test.height || train.width !== test.width || train.channels !== test.channels) {
    throw new DatasetCacheError(
      data.name,
      `Train images are ${train.height}×${train.width}×${train.channels} but test images are ` +
        `${test.height}×${test.width}×${test.channels}; both must have one shape.`,
    );
  }
  const meta = new TextEncoder().encode(JSON.stringify({ name: data.name, classNames: data.classNames }));
  const body = [meta, train.labels, test.labels, train.images, test.images];
  let crc = 0;
  for (const part of body) crc = checksum(part, crc);
  const header = new Uint8Array(HEADER_BYTES);
  for (let i = 0; i < MAGIC.length; i++) header[i] = MAGIC.charCodeAt(i);
  const view = new DataView(header.buffer);
  const fields = [VERSION, train.count, test.count, train.height, train.width, train.channels];
  fields.push(data.classNames.length, meta.length, crc >>> 0, 0);
  fields.forEach((value, i) => view.setUint32(8 + 4 * i, value, true));
  return [header, ...body];
}

/**
 * Verifies and decodes cache bytes (throws `DatasetCacheError` naming what is wrong,
 * `source` saying where the bytes came from); images and labels are views of `bytes`.
 */
export function decodeDatasetCache(
  source: string,
  bytes: Uint8Array,
  checksum: Crc32 = crc32,
): DatasetCacheContents {
  const fail = (reason: string): never => {
    throw new DatasetCacheError(source, reason);
  };
  if (bytes.length < HEADER_BYTES) fail(`only ${bytes.length} bytes, shorter than the header`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) fail(`magic is ${JSON.stringify(magic)}, expected "${MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const u32 = (i: number): number => view.getUint32(8 + 4 * i, true);
  const [version, trainCount, testCount, height, width, channels, classCount, metaLength, crc] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ].map(u32);
  if (version !== VERSION) fail(`format version ${version}, this build reads version ${VERSION}`);
  const pixels = height * width * channels;
  const total = trainCount + testCount;
  const expected = HEADER_BYTES + metaLength + total + total * pixels;
  if (bytes.length !== expected) fail(`${bytes.length} bytes, expected ${expected} (truncated or padded)`);
  const body = bytes.subarray(HEADER_BYTES);
  if (checksum(body) >>> 0 !== crc) fail('checksum mismatch (the file is corrupt)');

  let meta: { name?: unknown; classNames?: unknown } = {};
  try {
    meta = JSON.parse(new TextDecoder().decode(body.subarray(0, metaLength)));
  } catch {
    fail('metadata is not JSON');
  }
  const classNames = meta.classNames;
  if (!Array.isArray(classNames) || classNames.length !== classCount)
    fail('class names do not match the class count');

  let offset = HEADER_BYTES + metaLength;
  const take = (length: number): Uint8Array => {
    const part = bytes.subarray(offset, offset + length);
    offset += length;
    return part;
  };
  const trainLabels = take(trainCount);
  const testLabels = take(testCount);
  const badLabel = bytes
    .subarray(HEADER_BYTES + metaLength, offset)
    .findIndex((label) => label >= classCount);
  if (badLabel >= 0)
    fail(`label ${bytes[HEADER_BYTES + metaLength + badLabel]} is not below the class count ${classCount}`);
  const shape = { height, width, channels };
  return {
    name: typeof meta.name === 'string' ? meta.name : '',
    classNames: classNames as string[],
    train: { count: trainCount, ...shape, labels: trainLabels, images: take(trainCount * pixels) },
    test: { count: testCount, ...shape, labels: testLabels, images: take(testCount * pixels) },
  };
}
