/**
 * A dataset's binary cache read over the engine connection, in slices. The desktop app's page
 * (app://) has no HTTP route to the engine, so the worker cannot fetch `/datasets/<id>/cache`
 * as it does in browser mode; the page reads the cache here and hands the bytes to the worker.
 */
import { MAX_DATASET_CHUNK_BYTES, type EngineApi } from '../../../engine/protocol/api';
import { base64ToBytes } from '../training/base64';

/** Whether this page can fetch the engine's dataset route (browser mode serves it over HTTP). */
export function pageHasDatasetRoute(protocol: string = location.protocol): boolean {
  return protocol === 'http:' || protocol === 'https:';
}

/** Reads dataset `datasetId`'s whole cache through `engine.datasetCacheChunk`. */
export async function readDatasetCache(
  engine: Pick<EngineApi, 'datasetCacheChunk'>,
  datasetId: string,
  chunkBytes: number = MAX_DATASET_CHUNK_BYTES,
): Promise<Uint8Array> {
  const first = await engine.datasetCacheChunk(datasetId, 0, chunkBytes);
  const bytes = new Uint8Array(first.total);
  let offset = 0;
  let chunk = first;
  for (;;) {
    if (chunk.total !== first.total) {
      throw new Error(
        `dataset '${datasetId}' changed while it was read (${first.total} → ${chunk.total} bytes)`,
      );
    }
    const part = base64ToBytes(chunk.base64);
    if (offset + part.length > bytes.length) {
      throw new Error(`dataset '${datasetId}' sent more than its ${first.total} bytes`);
    }
    bytes.set(part, offset);
    offset += part.length;
    if (offset === bytes.length) return bytes;
    if (part.length === 0)
      throw new Error(`dataset '${datasetId}' ended at byte ${offset} of ${first.total}`);
    chunk = await engine.datasetCacheChunk(datasetId, offset, chunkBytes);
  }
}
