/**
 * Finding a dataset's binary cache, or building it once: the data dir's cache first, then a
 * read-only cache shipped with the app, then the (slow) conversion, whose result is written
 * atomically to the data dir so the next load takes milliseconds.
 *
 * Loaded caches are kept in memory per file (until the file changes), so opening a dataset
 * again — for samples, then for a run — costs nothing. The images are shared: callers must
 * treat `images` and `labels` as read-only.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetCacheError, readDatasetCache, writeDatasetCache, type CachedDataset } from './cache-file';
import type { DatasetLocation } from './types';

/** Where the engine keeps dataset caches and the import index: `<dataDir>/datasets`. */
export function datasetsDir(dataDir: string): string {
  return join(dataDir, 'datasets');
}

/** The shipped cache folder: the explicit option, else `CNN_STUDIO_DATASET_CACHE`. */
export function shippedCacheDir(location: DatasetLocation): string | undefined {
  return location.cacheDir ?? (process.env.CNN_STUDIO_DATASET_CACHE || undefined);
}

const loaded = new Map<string, { version: string; data: CachedDataset }>();

/** Reads a cache file, or returns the copy already in memory if the file hasn't changed. */
export async function readCachedDataset(path: string): Promise<CachedDataset> {
  const version = await fileVersion(path);
  const hit = loaded.get(path);
  if (hit && version !== null && hit.version === version) return hit.data;
  loaded.delete(path);
  const data = await readDatasetCache(path);
  if (version !== null) loaded.set(path, { version, data });
  return data;
}

/** Writes a cache file atomically and keeps `data` as its in-memory copy. */
export async function storeCachedDataset(path: string, data: CachedDataset): Promise<void> {
  loaded.delete(path);
  await writeDatasetCache(path, data);
  const version = await fileVersion(path);
  if (version !== null) loaded.set(path, { version, data });
}

async function fileVersion(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  return info ? `${info.size}:${info.mtimeMs}:${info.ino}` : null;
}

function isMissing(error: unknown): boolean {
  return error instanceof DatasetCacheError && /ENOENT/.test(error.message);
}

/** Options for `loadOrBuildCache`. */
export interface CacheOptions extends DatasetLocation {
  /** Told when a damaged cache is found and rebuilt. */
  log?: (message: string) => void;
}

/**
 * Loads `<dataDir>/datasets/<fileName>`, else `<shipped cache dir>/<fileName>`, else runs
 * `build` and writes its result to the data dir. A damaged cache is reported and rebuilt.
 */
export function loadOrBuildCache(
  fileName: string,
  options: CacheOptions,
  build: () => Promise<CachedDataset>,
): Promise<CachedDataset> {
  const own = join(datasetsDir(options.dataDir), fileName);
  // Callers asking at the same time (the gallery and a run) share one load: converting
  // Fashion-MNIST twice at once would need twice the ~600 MB it takes.
  let pending = inFlight.get(own);
  if (!pending) {
    pending = loadOrBuild(own, fileName, options, build).finally(() => inFlight.delete(own));
    inFlight.set(own, pending);
  }
  return pending;
}

const inFlight = new Map<string, Promise<CachedDataset>>();

async function loadOrBuild(
  own: string,
  fileName: string,
  options: CacheOptions,
  build: () => Promise<CachedDataset>,
): Promise<CachedDataset> {
  try {
    return await readCachedDataset(own);
  } catch (error) {
    if (!(error instanceof DatasetCacheError)) throw error;
    if (!isMissing(error)) options.log?.(`${error.message}; rebuilding it.`);
  }
  const shipped = shippedCacheDir(options);
  if (shipped) {
    try {
      return await readCachedDataset(join(shipped, fileName));
    } catch (error) {
      if (!(error instanceof DatasetCacheError)) throw error;
      if (!isMissing(error)) options.log?.(`${error.message}; ignoring the shipped cache.`);
    }
  }
  const data = await build();
  await mkdir(datasetsDir(options.dataDir), { recursive: true });
  await storeCachedDataset(own, data);
  return data;
}
