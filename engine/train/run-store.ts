/**
 * Where runs live on disk and how their records are kept:
 *
 * ```
 * <dataDir>/runs/<runId>/run.json     RunRecord (written atomically on every state change)
 * <dataDir>/runs/<runId>/checkpoint/  latest epoch's checkpoint (see checkpoint.ts)
 * <dataDir>/runs/<runId>/model/       the final model (model.json + weights.bin), for export
 * ```
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../protocol/api';
import { writeFileAtomic } from './atomic-fs';

export interface RunPaths {
  dir: string;
  record: string;
  checkpoint: string;
  model: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The files of run `id`; rejects ids that could point outside the runs folder. */
export function runPaths(dataDir: string, id: string): RunPaths {
  if (!RUN_ID.test(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
  const dir = join(dataDir, 'runs', id);
  return {
    dir,
    record: join(dir, 'run.json'),
    checkpoint: join(dir, 'checkpoint'),
    model: join(dir, 'model'),
  };
}

/** A new, sortable run id, e.g. `run-20261127-081530-4f2a`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `run-${stamp}-${suffix}`;
}

export async function saveRunRecord(dataDir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(runPaths(dataDir, record.id).record, JSON.stringify(record, null, 1));
}

/** Every readable run record, oldest first; unreadable ones are reported through `warn` and skipped. */
export async function loadRunRecords(
  dataDir: string,
  warn: (message: string) => void = () => {},
): Promise<RunRecord[]> {
  let ids: string[];
  try {
    ids = await readdir(join(dataDir, 'runs'));
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const id of ids.filter((name) => RUN_ID.test(name))) {
    const file = runPaths(dataDir, id).record;
    try {
      records.push(JSON.parse(await readFile(file, 'utf8')) as RunRecord);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        warn(`skipping run ${id}: ${file} cannot be read (${(error as Error).message})`);
    }
  }
  return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export async function deleteRunFiles(dataDir: string, id: string): Promise<void> {
  await rm(runPaths(dataDir, id).dir, { recursive: true, force: true });
}
