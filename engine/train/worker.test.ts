// Integration: the bundled worker (dist/engine/train-worker.mjs, built by the global setup)
// trains a run end to end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../protocol/api';
import { trainWorkerPath, workerLauncher } from './launchers';
import { createRunManager, type RunManager } from './run-manager';
import { quickTraining, tinyCnn } from './test-support';

let dataDir: string;
let manager: RunManager;
const events: RunEvent[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-worker-'));
  manager = createRunManager({
    dataDir,
    emit: (event) => events.push(event),
    launcher: workerLauncher(trainWorkerPath()),
  });
}, 120_000);

afterAll(async () => {
  await manager?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('training worker', () => {
  it('trains in a worker thread while this thread stays responsive, then exits', async () => {
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 2 }),
      limit: 320,
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await manager.whenSettled(runId);
    clearInterval(timer);
    const record = await manager.get(runId);
    expect(record.error).toBeNull();
    expect(record.status).toBe('done');
    expect(record.epochs).toHaveLength(2);
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds).toContain('batch');
    // The event loop kept running during training (a blocked thread would tick ~never).
    expect(ticks).toBeGreaterThan(5);
    expect(manager.modelArtifactsDir(runId)).not.toBeNull();
  });
});
