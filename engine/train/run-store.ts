/**
 * Where runs live on disk and how their records are kept:
 *
 * ```
 * <dataDir>/runs/<runId>/run.json     RunRecord + format tag and version (atomically, on every state change)
 * <dataDir>/runs/<runId>/checkpoint/  latest epoch's checkpoint (see checkpoint.ts)
 * <dataDir>/runs/<runId>/model/       the final model (model.json + weights.bin), for export
 * ```
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunRecord } from '../protocol/api';
import { healthSampleSchema } from '../protocol/layer-health';
import { writeFileAtomic } from './atomic-fs';
import { describeSchemaIssues } from './schema-text';

/** The tag and layout version of run.json; records without them are version 1 (the same fields). */
export const RUN_RECORD_FORMAT = 'cnn-studio-run';
export const RUN_RECORD_VERSION = 2;

const metricsSchema = z.object({
  epoch: z.number(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  testLoss: z.number(),
  testAccuracy: z.number(),
  seconds: z.number(),
});

/** What a run.json must hold to be shown and resumed; fields added later pass through. */
const recordSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  startedAt: z.string(),
  status: z.enum(['running', 'paused', 'done', 'failed', 'stopped']),
  graph: z.looseObject({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }),
  training: z.record(z.string(), z.unknown()),
  datasetId: z.string(),
  backend: z.record(z.string(), z.unknown()).nullable(),
  epochs: z.array(metricsSchema),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  resumable: z.boolean(),
});

const healthSamplesSchema = z.array(healthSampleSchema);

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
  const file = { format: RUN_RECORD_FORMAT, version: RUN_RECORD_VERSION, ...record };
  await writeFileAtomic(runPaths(dataDir, record.id).record, JSON.stringify(file, null, 1));
}

/**
 * A run.json's content as a `RunRecord` (version 1 files have no format tag); throws a
 * message naming the field at fault.
 */
export function parseRunRecord(raw: unknown, id: string): RunRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error('expected a JSON object');
  const { format, version, ...fields } = raw as Record<string, unknown>;
  const tagged = format !== undefined || version !== undefined;
  if (tagged && format !== RUN_RECORD_FORMAT)
    throw new Error(`not a CNN Studio run record (format ${JSON.stringify(format)})`);
  if (tagged && !(typeof version === 'number' && Number.isInteger(version) && version >= 1))
    throw new Error(`version: expected a whole number, got ${JSON.stringify(version)}`);
  if (tagged && (version as number) > RUN_RECORD_VERSION)
    throw new Error(
      `written by a newer CNN Studio (run record version ${String(version)}; this one reads up to ${RUN_RECORD_VERSION})`,
    );
  // Version 1 → 2 only added the tag: the fields are the same.
  const parsed = recordSchema.safeParse(fields);
  if (!parsed.success) throw new Error(describeSchemaIssues(parsed.error.issues, fields));
  if (parsed.data.id !== id) throw new Error(`its id ${JSON.stringify(parsed.data.id)} is not its folder's`);
  // Training-health samples (added within version 2, optional) are an aid: damaged ones are
  // dropped rather than costing the run its record.
  if ('health' in fields && !healthSamplesSchema.safeParse(fields.health).success) delete fields.health;
  return fields as unknown as RunRecord;
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
      records.push(parseRunRecord(JSON.parse(await readFile(file, 'utf8')), id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        warn(`skipping run ${id}: ${file} cannot be used (${(error as Error).message})`);
    }
  }
  return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export async function deleteRunFiles(dataDir: string, id: string): Promise<void> {
  await rm(runPaths(dataDir, id).dir, { recursive: true, force: true });
}
