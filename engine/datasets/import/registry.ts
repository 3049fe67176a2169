/**
 * The index of imported datasets, `<dataDir>/datasets/index.json`:
 * `{ "version": 1, "datasets": [ImportedEntry, …] }`. Each entry points at its binary cache
 * (`imported-<id>.bin`, same format as the built-ins) and remembers the source so a damaged
 * cache can be rebuilt. The cache is written before the index, both atomically, so a failed
 * import leaves neither a half-written cache nor an entry pointing at one.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../host/atomic-file';
import { join } from 'node:path';
import type { DatasetImportRequest, DatasetInfo } from '../../protocol/api';
import { datasetsDir } from '../cache-store';

/** One imported dataset as recorded in index.json. */
export interface ImportedEntry {
  id: string;
  name: string;
  kind: DatasetImportRequest['kind'];
  /** Absolute path it was imported from. */
  path: string;
  /** Cache file name inside `<dataDir>/datasets/`. */
  file: string;
  importedAt: string;
  trainSize: number;
  testSize: number;
  imageShape: [number, number, number];
  classNames: string[];
}

interface IndexFile {
  version: 1;
  datasets: ImportedEntry[];
}

export function indexPath(dataDir: string): string {
  return join(datasetsDir(dataDir), 'index.json');
}

/** The imported entries; an absent index is empty, an unreadable one is an error naming it. */
export async function readImportIndex(dataDir: string): Promise<ImportedEntry[]> {
  const file = indexPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: Partial<IndexFile>;
  try {
    parsed = JSON.parse(text) as Partial<IndexFile>;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.datasets)) {
    throw new Error(`${file}: expected {"version": 1, "datasets": [...]}.`);
  }
  return parsed.datasets;
}

/** Replaces index.json atomically (the engine's one atomic write). */
export async function writeImportIndex(dataDir: string, datasets: ImportedEntry[]): Promise<void> {
  const file = indexPath(dataDir);
  const body: IndexFile = { version: 1, datasets };
  await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
}

/** A dataset id from a name: lower-case words joined by dashes, made unique against `taken`. */
export function uniqueId(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'dataset';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export function entryInfo(entry: ImportedEntry): DatasetInfo {
  return {
    id: entry.id,
    name: entry.name,
    source: 'imported',
    path: entry.path,
    trainSize: entry.trainSize,
    testSize: entry.testSize,
    imageShape: entry.imageShape,
    classNames: entry.classNames,
  };
}
