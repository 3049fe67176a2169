import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDataset, toSample } from '../datasets/index';
import type { RunEvent } from '../protocol/api';
import type { JobLauncher } from './job-messages';
import { inProcessLauncher } from './launchers';
import { createRunManager, type RunManager } from './run-manager';
import { runPaths, saveRunRecord } from './run-store';
import { quickTraining, tinyCnn } from './test-support';

let dataDir: string;
let manager: RunManager;
let events: RunEvent[];

function create(launcher: JobLauncher = inProcessLauncher()): RunManager {
  return createRunManager({
    dataDir,
    emit: (event) => events.push(event),
    launcher,
    batchEventIntervalMs: 0,
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-runs-'));
  events = [];
  manager = create();
});
afterEach(async () => {
  await manager.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('run manager', () => {
  it('runs, records the history on disk and serves predictions from the final model', async () => {
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 2 }),
      limit: 320,
    });
    await manager.whenSettled(runId);
    const record = await manager.get(runId);
    expect(record.status).toBe('done');
    expect(record.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(record.result?.confusion).toHaveLength(10);
    expect(record.backend?.name).toBeTruthy();
    expect(record.resumable).toBe(true);
    const onDisk = JSON.parse(await readFile(runPaths(dataDir, runId).record, 'utf8'));
    expect(onDisk.status).toBe('done');
    expect(events.filter((e) => e.runId === runId).at(-1)?.kind).toBe('done');

    expect(manager.modelArtifactsDir(runId)).toBe(runPaths(dataDir, runId).model);
    const { test } = await openDataset('synthetic', { dataDir });
    const prediction = await manager.predict(runId, toSample(test, 0));
    expect(prediction.probabilities).toHaveLength(10);
    expect(prediction.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(prediction.classNames).toHaveLength(10);
    const wrong = await manager.misclassified(runId, 3);
    expect(wrong.length).toBeGreaterThan(0);
    for (const example of wrong) expect(example.predictedClass).not.toBe(example.image.label);

    // Runs survive a restart.
    await manager.dispose();
    manager = create();
    expect((await manager.list()).map((r) => r.id)).toEqual([runId]);
    await manager.delete(runId);
    expect(await manager.list()).toEqual([]);
    await expect(manager.get(runId)).rejects.toThrow(`no run with id '${runId}'`);
  });

  it('pauses, resumes and stops a run', async () => {
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 50 }),
      limit: 320,
    });
    await until(() => events.some((e) => e.kind === 'batch'));
    await manager.pause(runId);
    await until(() => events.some((e) => e.kind === 'paused'));
    expect((await manager.get(runId)).status).toBe('paused');
    await manager.resume(runId);
    await until(() => events.some((e) => e.kind === 'resumed'));
    await manager.stop(runId);
    await manager.whenSettled(runId);
    expect((await manager.get(runId)).status).toBe('stopped');
    await expect(manager.stop(runId)).rejects.toThrow(/is not running/);
  });

  it('rejects an invalid start before launching anything', async () => {
    await expect(manager.start({ graph: tinyCnn({ units: 3 }), training: quickTraining() })).rejects.toThrow(
      /'synthetic' has 10 classes but the model's output node out has 3 units/,
    );
    const broken = tinyCnn();
    broken.edges.pop();
    await expect(manager.start({ graph: broken, training: quickTraining() })).rejects.toThrow(
      /cannot be trained/,
    );
    expect(await manager.list()).toEqual([]);
  });

  it('resumes a run from its checkpoint under the same id', async () => {
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 1 }),
      limit: 160,
    });
    await manager.whenSettled(runId);
    const again = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 2 }),
      limit: 160,
      resumeFrom: runId,
    });
    expect(again.runId).toBe(runId);
    await manager.whenSettled(runId);
    const record = await manager.get(runId);
    expect(record.status).toBe('done');
    expect(record.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('resuming right after the end waits for the worker to exit instead of refusing', async () => {
    // A worker that, like a real thread, exits a moment after its last message.
    const slowExit: JobLauncher = (start, onMessage, onExit) =>
      inProcessLauncher()(start, onMessage, (crashed) => setTimeout(() => onExit(crashed), 300));
    await manager.dispose();
    manager = create(slowExit);
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 1 }),
      limit: 160,
    });
    await until(() => events.some((e) => e.kind === 'done'));
    const again = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 2 }),
      limit: 160,
      resumeFrom: runId,
    });
    expect(again.runId).toBe(runId);
    await manager.whenSettled(runId);
    expect((await manager.get(runId)).epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('marks a run whose job died as failed and keeps its history', async () => {
    const dying: JobLauncher = (start, onMessage, onExit) => {
      const runId = start.job.runId;
      setTimeout(() => {
        onMessage({
          type: 'event',
          event: {
            kind: 'epoch',
            runId,
            epoch: 1,
            trainLoss: 1,
            trainAccuracy: 0.5,
            testLoss: 1,
            testAccuracy: 0.5,
            seconds: 1,
          },
        });
        onExit('the training worker stopped unexpectedly (exit code 134)');
      }, 10);
      return { send: () => {}, kill: async () => {} };
    };
    await manager.dispose();
    manager = create(dying);
    const { runId } = await manager.start({ graph: tinyCnn(), training: quickTraining() });
    await manager.whenSettled(runId);
    const record = await manager.get(runId);
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/exit code 134/);
    expect(record.epochs).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: 'failed', runId });
  });

  it('marks runs left running by a previous engine as failed on start-up', async () => {
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 1 }),
      limit: 64,
    });
    await manager.whenSettled(runId);
    const record = await manager.get(runId);
    await saveRunRecord(dataDir, { ...record, status: 'running' });
    await manager.dispose();
    manager = create();
    const reloaded = await manager.get(runId);
    expect(reloaded.status).toBe('failed');
    expect(reloaded.error).toMatch(/engine stopped while this run was in progress/);
    expect(reloaded.epochs).toHaveLength(1);
    expect(reloaded.resumable).toBe(true);
  });
});

describe('run manager: resuming and refusing', () => {
  it("resumes with the checkpoint's limit and settings, logging what the request overrides", async () => {
    const logs: string[] = [];
    await manager.dispose();
    manager = createRunManager({
      dataDir,
      emit: (event) => events.push(event),
      log: (event) => logs.push(event.message),
      launcher: inProcessLauncher(),
      batchEventIntervalMs: 0,
    });
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 1, batchSize: 32 }),
      limit: 160,
    });
    await manager.whenSettled(runId);
    events = [];
    await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 2, batchSize: 32 }),
      resumeFrom: runId,
    });
    await manager.whenSettled(runId);
    const batch = events.find((e) => e.kind === 'batch');
    expect(batch).toMatchObject({ epoch: 2, batchesPerEpoch: 5 }); // 160 images, not the whole set
    expect(logs).toContain(
      `resuming run ${runId} at epoch 2: overridden: epochs 2 (the checkpoint has 1); the other settings come from the checkpoint`,
    );
  });

  it('refuses to resume a damaged checkpoint, naming the file', async () => {
    const { runId } = await manager.start({
      graph: tinyCnn(),
      training: quickTraining({ epochs: 1 }),
      limit: 64,
    });
    await manager.whenSettled(runId);
    const checkpoint = runPaths(dataDir, runId).checkpoint;
    await writeFile(join(checkpoint, 'model.json'), '[]');
    await expect(
      manager.start({ graph: tinyCnn(), training: quickTraining({ epochs: 2 }), resumeFrom: runId }),
    ).rejects.toThrow(`checkpoint ${checkpoint} is damaged: model.json is not a tfjs model`);
    // A restart lists the run as not resumable instead of failing to start.
    await saveRunRecord(dataDir, { ...(await manager.get(runId)), status: 'running' });
    await manager.dispose();
    manager = create();
    expect(await manager.get(runId)).toMatchObject({ status: 'failed', resumable: false });
  });

  it('refuses a run whose step would not fit in memory before launching anything', async () => {
    vi.stubEnv('CNN_STUDIO_MEMORY_LIMIT_MB', '1');
    try {
      await expect(
        manager.start({ graph: tinyCnn({ size: 512 }), training: quickTraining() }),
      ).rejects.toThrow(/more than the memory budget of 1\.0 MB \(CNN_STUDIO_MEMORY_LIMIT_MB=1\)/);
      expect(await manager.list()).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
