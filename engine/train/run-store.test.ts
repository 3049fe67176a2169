import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../protocol/api';
import { loadRunRecords, runPaths, RUN_RECORD_FORMAT, RUN_RECORD_VERSION, saveRunRecord } from './run-store';
import { quickTraining, tinyCnn } from './test-support';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-run-store-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function record(id: string): RunRecord {
  return {
    id,
    name: 'tiny',
    startedAt: '2026-01-01T00:00:00.000Z',
    status: 'done',
    graph: tinyCnn(),
    training: quickTraining(),
    datasetId: 'synthetic',
    backend: null,
    epochs: [],
    result: null,
    error: null,
    resumable: false,
  };
}

describe('run records on disk', () => {
  it('writes a format tag and version, and reads them back as the record', async () => {
    await saveRunRecord(dataDir, record('run-a'));
    const file = JSON.parse(await readFile(runPaths(dataDir, 'run-a').record, 'utf8'));
    expect(file).toMatchObject({ format: RUN_RECORD_FORMAT, version: RUN_RECORD_VERSION, id: 'run-a' });
    expect(await loadRunRecords(dataDir)).toEqual([record('run-a')]);
  });

  it('reads version-1 records (no tag) and skips damaged or newer ones with a warning', async () => {
    const write = async (id: string, content: string) => {
      await mkdir(runPaths(dataDir, id).dir, { recursive: true });
      await writeFile(runPaths(dataDir, id).record, content);
    };
    await write('run-v1', JSON.stringify(record('run-v1')));
    await write('run-empty', '{}');
    await write('run-list', '[]');
    await write(
      'run-newer',
      JSON.stringify({ format: RUN_RECORD_FORMAT, version: 99, ...record('run-newer') }),
    );
    await write('run-moved', JSON.stringify(record('elsewhere')));
    const warnings: string[] = [];
    const loaded = await loadRunRecords(dataDir, (message) => warnings.push(message));
    expect(loaded.map((r) => r.id)).toEqual(['run-v1']);
    expect(warnings.sort()).toEqual([
      expect.stringMatching(/^skipping run run-empty: .* cannot be used \(id: missing \(expected string\)/),
      expect.stringMatching(/^skipping run run-list: .* \(expected a JSON object\)$/),
      expect.stringMatching(/^skipping run run-moved: .*\(its id "elsewhere" is not its folder's/),
      expect.stringMatching(/^skipping run run-newer: .* newer CNN Studio \(run record version 99/),
    ]);
  });

  it('keeps training-health samples, and drops damaged ones without losing the run', async () => {
    const sample = {
      epoch: 1,
      batch: 2,
      step: 2,
      layers: [
        {
          nodeId: 'conv',
          timeMs: 1.5,
          activationMean: 0.2,
          activationStd: 0.1,
          zeroShare: 0.5,
          gradNorm: 0.01,
          updateRatio: null,
        },
      ],
    };
    await saveRunRecord(dataDir, { ...record('run-h'), health: [sample] });
    await saveRunRecord(dataDir, {
      ...record('run-bad'),
      health: [{ ...sample, layers: [{ nodeId: 7 }] }] as unknown as RunRecord['health'],
    });
    const loaded = await loadRunRecords(dataDir);
    expect(loaded.find((r) => r.id === 'run-h')?.health).toEqual([sample]);
    expect(loaded.find((r) => r.id === 'run-bad')).toEqual(record('run-bad'));
  });
});
