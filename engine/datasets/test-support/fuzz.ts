/**
 * Shared checks of the dataset importers' fuzz tests: each generated source is imported
 * through `importDataset` into a fresh data folder, and must either import or fail with a
 * `DatasetImportError` naming a file of the source — within a time and memory bound, and
 * without writing anything but the dataset's own cache and the import index.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { DatasetImportRequest, DatasetInfo } from '../../protocol/api';
import { importDataset } from '../catalog';
import { DatasetImportError } from '../import/import-error';

/** The seed of every dataset fuzz property: fixed so CI repeats, `FUZZ_SEED=…` to explore. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);

/** `fc.assert` options with the shared seed. */
export function fuzzRuns(numRuns: number): { seed: number; numRuns: number } {
  return { seed: FUZZ_SEED, numRuns };
}

/** Longest one import of a small generated source may take (generous for a busy 2-core box). */
export const MAX_IMPORT_MS = 3000;
/** Most that live memory (JS heap + array buffers) may grow over one import of a few KB. */
export const MAX_GROWTH_BYTES = 96 * 2 ** 20;

/** Every file under `root` with its size and modification time, by relative path. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const info = statSync(path);
        files.set(relative(root, path), `${info.size}:${info.mtimeMs}`);
      }
    }
  };
  walk(root);
  return files;
}

const liveBytes = (): number => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** A scratch folder with `source/` (for the generated files) and `data/` (the engine's data dir). */
export interface FuzzCase {
  root: string;
  source: string;
  dataDir: string;
  dispose(): void;
}

export function fuzzCase(): FuzzCase {
  const root = mkdtempSync(join(tmpdir(), 'cnn-datasets-fuzz-'));
  const source = join(root, 'source');
  const dataDir = join(root, 'data');
  mkdirSync(source);
  return { root, source, dataDir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Imports `path` (inside `fuzz.source`) and checks the outcome: a `DatasetInfo`, or a
 * `DatasetImportError` whose message names a path inside the source, carries no stack trace
 * and stays short. Either way the source is untouched; a success adds only the dataset's
 * cache and index.json under `<dataDir>/datasets/`, a failure adds nothing.
 */
export async function expectCleanImport(
  fuzz: FuzzCase,
  kind: DatasetImportRequest['kind'],
  path: string,
): Promise<{ info?: DatasetInfo; error?: DatasetImportError }> {
  const before = snapshot(fuzz.root);
  const bytesBefore = liveBytes();
  const started = performance.now();
  let outcome: { info?: DatasetInfo; error?: DatasetImportError };
  try {
    outcome = { info: await importDataset({ kind, path, name: 'fuzz' }, { dataDir: fuzz.dataDir }) };
  } catch (error) {
    if (!(error instanceof DatasetImportError)) throw error;
    outcome = { error };
  }
  expect(performance.now() - started).toBeLessThan(MAX_IMPORT_MS);
  expect(liveBytes() - bytesBefore).toBeLessThan(MAX_GROWTH_BYTES);

  const after = snapshot(fuzz.root);
  for (const [file, version] of before) expect(after.get(file), `${file} changed`).toBe(version);
  const added = [...after.keys()].filter((file) => !before.has(file));
  if (outcome.error) {
    const { message } = outcome.error;
    expect(message.startsWith(fuzz.source), message).toBe(true);
    expect(message).not.toMatch(/\n\s+at /);
    expect(message.length).toBeLessThan(2000);
    expect(added).toEqual([]);
  } else {
    const allowed = new Set([
      join('data', 'datasets', 'index.json'),
      join('data', 'datasets', 'imported-fuzz.bin'),
    ]);
    expect(added.filter((file) => !allowed.has(file))).toEqual([]);
  }
  return outcome;
}
