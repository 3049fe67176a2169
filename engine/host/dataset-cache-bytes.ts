/**
 * A dataset as the engine's binary cache (engine/datasets/cache-format.ts, with zlib's native
 * CRC): what a window's training worker reads, over `GET /datasets/<id>/cache` in browser mode
 * or in slices over the engine connection (`datasetCacheChunk`) in the desktop app.
 */
import { crc32 } from 'node:zlib';
import { encodeDatasetCache } from '../datasets/cache-format';
import type { Dataset } from '../datasets/types';

/** The dataset's cache bytes, in parts to send in order. */
export function datasetCacheParts({ info, train, test }: Dataset): Uint8Array[] {
  return encodeDatasetCache({ name: info.name, classNames: info.classNames, train, test }, crc32);
}
