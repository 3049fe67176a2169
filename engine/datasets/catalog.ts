/**
 * Listing, opening and importing datasets: the built-ins (`fashion-mnist`, `mnist`,
 * `synthetic`) and the ones a person imported, which are kept in `<dataDir>/datasets/`.
 */
import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DatasetImportRequest, DatasetInfo } from '../protocol/api';
import { builtinDatasets, getBuiltin, loadBuiltin } from './builtin/catalog';
import { DatasetCacheError, type CachedDataset } from './cache-file';
import { datasetsDir, readCachedDataset, storeCachedDataset } from './cache-store';
import { importCsv } from './import/csv';
import { importIdx } from './import/idx';
import { importImageFolder } from './import/image-folder';
import { DatasetImportError } from './import/import-error';
import type { ImportedImages } from './import/imported';
import {
  entryInfo,
  readImportIndex,
  uniqueId,
  writeImportIndex,
  type ImportedEntry,
} from './import/registry';
import type { Dataset, DatasetLocation } from './types';

/** Options of `listDatasets`, `openDataset` and `importDataset`. */
export interface DatasetOptions extends DatasetLocation {
  /** Told about damaged caches being rebuilt. */
  log?: (message: string) => void;
}

const importers: Record<DatasetImportRequest['kind'], (path: string) => Promise<ImportedImages>> = {
  idx: importIdx,
  folder: importImageFolder,
  csv: importCsv,
};

/** Every dataset: the built-ins first, then the imported ones in import order. */
export async function listDatasets(options: DatasetOptions): Promise<DatasetInfo[]> {
  const imported = await readImportIndex(options.dataDir);
  return [...builtinDatasets.map((d) => structuredClone(d.info)), ...imported.map(entryInfo)];
}

function toDataset(info: DatasetInfo, data: CachedDataset): Dataset {
  return { info, train: data.train, test: data.test };
}

/**
 * Opens a dataset by id with all its images in memory. Built-ins are converted once into a
 * binary cache; a damaged imported cache is rebuilt from its source if that still exists.
 * Loaded images are kept in memory and shared between callers: treat them as read-only.
 */
export async function openDataset(id: string, options: DatasetOptions): Promise<Dataset> {
  const builtin = getBuiltin(id);
  if (builtin) return toDataset(structuredClone(builtin.info), await loadBuiltin(builtin, options));

  const entry = (await readImportIndex(options.dataDir)).find((e) => e.id === id);
  if (!entry) {
    const known = (await listDatasets(options)).map((d) => d.id).join(', ');
    throw new Error(`Unknown dataset '${id}'. Known datasets: ${known}.`);
  }
  const file = join(datasetsDir(options.dataDir), entry.file);
  try {
    return toDataset(entryInfo(entry), await readCachedDataset(file));
  } catch (error) {
    if (!(error instanceof DatasetCacheError)) throw error;
    const sourceExists = await access(entry.path).then(
      () => true,
      () => false,
    );
    if (!sourceExists) {
      throw new Error(`${error.message}, and its source ${entry.path} is gone; import the dataset again.`, {
        cause: error,
      });
    }
    options.log?.(`${error.message}; re-importing it from ${entry.path}.`);
    const data = await convert(entry.kind, entry.path, entry.name);
    // The source may have changed since: record what was read now.
    const rebuilt = await register(options.dataDir, entry, data);
    return toDataset(entryInfo(rebuilt), data);
  }
}

async function convert(
  kind: DatasetImportRequest['kind'],
  path: string,
  name: string,
): Promise<CachedDataset> {
  // Own keys only: a kind such as 'toString' must not reach Object.prototype.
  const importer = Object.hasOwn(importers, kind) ? importers[kind] : undefined;
  if (!importer) {
    throw new DatasetImportError(
      path,
      `unknown import kind ${JSON.stringify(kind)}; expected idx, folder or csv.`,
    );
  }
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (!exists) throw new DatasetImportError(path, 'no such file or folder.');
  const { classNames, train, test } = await importer(path);
  if (train.count === 0) throw new DatasetImportError(path, 'no training images.');
  return { name, classNames, train, test };
}

// Imports in one process update index.json one at a time.
let indexQueue: Promise<unknown> = Promise.resolve();

type EntrySource = Pick<ImportedEntry, 'kind' | 'path' | 'name'> & { id?: string };

/**
 * Writes `data`'s cache, then its index entry (keeping `source.id`, else reusing the id of an
 * earlier import of the same kind and path, else a new one). Index updates run one at a time.
 */
function register(dataDir: string, source: EntrySource, data: CachedDataset): Promise<ImportedEntry> {
  const run = async (): Promise<ImportedEntry> => {
    const entries = await readImportIndex(dataDir);
    const previous = entries.find((e) => e.kind === source.kind && e.path === source.path);
    const taken = new Set([...builtinDatasets.map((d) => d.info.id), ...entries.map((e) => e.id)]);
    const id = source.id ?? previous?.id ?? uniqueId(source.name, taken);
    const entry: ImportedEntry = {
      id,
      name: source.name,
      kind: source.kind,
      path: source.path,
      file: `imported-${id}.bin`,
      importedAt: new Date().toISOString(),
      trainSize: data.train.count,
      testSize: data.test.count,
      imageShape: [data.train.height, data.train.width, data.train.channels],
      classNames: data.classNames,
    };
    await mkdir(datasetsDir(dataDir), { recursive: true });
    await storeCachedDataset(join(datasetsDir(dataDir), entry.file), data);
    await writeImportIndex(dataDir, [...entries.filter((e) => e.id !== id), entry]);
    return entry;
  };
  const result = indexQueue.then(run, run);
  indexQueue = result.catch(() => undefined);
  return result;
}

/**
 * Imports a dataset (IDX files, a folder of class folders, or CSV), converts it to the binary
 * cache and registers it. Importing the same kind and path again replaces the earlier import.
 */
export async function importDataset(
  request: DatasetImportRequest,
  options: DatasetOptions,
): Promise<DatasetInfo> {
  if (typeof request.path !== 'string' || request.path.trim() === '') {
    throw new Error(`Import path must be a non-empty string, got ${JSON.stringify(request.path)}.`);
  }
  const path = resolve(request.path);
  const name = request.name?.trim() || path.split(/[\\/]/).filter(Boolean).pop() || 'dataset';
  const data = await convert(request.kind, path, name);
  return entryInfo(await register(options.dataDir, { kind: request.kind, path, name }, data));
}
