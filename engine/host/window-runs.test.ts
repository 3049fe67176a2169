import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataset, toSample } from '../datasets/index';
import type { EpochMetrics, RunEvent, WindowCheckpoint } from '../protocol/api';
import { compileGraph } from '../compile/compile';
import { readCheckpointState } from '../train/checkpoint';
import { encodeTensors, loadModelWeights, modelFileContents } from '../train/model-bytes';
import { createOptimizer } from '../train/optimizer';
import { createRunManager, type RunManager } from '../train/run-manager';
import { runPaths } from '../train/run-store';
import { trainStep } from '../train/step';
import { quickTraining, tinyCnn } from '../train/test-support';
import { createWindowRuns, type WindowRuns } from './window-runs';

let dataDir: string;
let manager: RunManager;
let windows: WindowRuns;
let events: RunEvent[];

const graph = tinyCnn();
const training = quickTraining({ epochs: 3, optimizer: 'adam' });

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-window-runs-'));
  events = [];
  manager = createRunManager({ dataDir, emit: (event) => events.push(event) });
  // A short silence so the "window went away" case ends quickly (the default is 10 s).
  windows = createWindowRuns({ runs: async () => manager, log: () => {}, heartbeatMs: 20, silenceMs: 150 });
});
afterEach(async () => {
  windows.dispose();
  await manager.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** What a window's worker sends after an epoch: the model's and optimizer's bytes. */
async function windowCheckpoint(epochsDone: number): Promise<WindowCheckpoint> {
  const model = compileGraph(tf, graph);
  const optimizer = createOptimizer(tf, training);
  try {
    // One step, so the optimizer has state (Adam's moments).
    const xs = tf.randomNormal([2, 28, 28, 1]) as tf.Tensor4D;
    const labels = tf.tensor1d([1, 2], 'int32');
    const context = { tf, model, optimizer, classCount: 10, outputIsProbabilities: false, gradientClip: 0 };
    tf.dispose([trainStep(context, xs, labels, 0.01), xs, labels]);
    const files = await modelFileContents(tf, model);
    const state = await optimizer.getState();
    const encoded = await encodeTensors(tf, state);
    tf.dispose(state.map((entry) => entry.tensor));
    return {
      epochsDone,
      history: Array.from({ length: epochsDone }, (_, i) => metrics(i + 1)),
      modelJson: files.modelJson,
      weights: base64(files.weights),
      optimizer: {
        name: optimizer.name,
        specs: encoded.specs as WindowCheckpoint['optimizer']['specs'],
        data: base64(encoded.data),
      },
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

function metrics(epoch: number): EpochMetrics {
  return {
    epoch,
    trainLoss: 1,
    trainAccuracy: 0.5,
    testLoss: 1.1,
    testAccuracy: 0.4 + epoch / 100,
    seconds: 2,
  };
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met');
}

describe('window runs', () => {
  it('are kept like engine runs: record, events, checkpoint, final model, predictions', async () => {
    // Made first: the window reports faster than the test's short silence allows.
    const [first, final] = [await windowCheckpoint(1), await windowCheckpoint(3)];
    const start = await windows.start({ graph, training, limit: 64, backend: 'webgl' });
    expect(start.checkpoint).toBeNull();
    expect(start.training).toEqual(training);
    const { runId } = start;
    expect((await manager.get(runId)).windowBackend).toBe('webgl');

    const backend = { name: 'webgl', device: 'SwiftShader, in the window', skipped: [], patchedKernels: [] };
    const dataset = (await openDataset('synthetic', { dataDir })).info;
    const summary = { trainable: 1, nonTrainable: 0, macs: 1, activationBytes: 1 };
    await windows.event(runId, {
      kind: 'started',
      runId,
      backend,
      dataset,
      totalBatches: 3,
      epochs: 3,
      summary,
    });
    await windows.event(runId, { kind: 'epoch', runId, ...metrics(1) });
    await windows.saveCheckpoint(runId, first);
    const state = await readCheckpointState(runPaths(dataDir, runId).checkpoint);
    expect(state?.epochsDone).toBe(1);
    expect(state?.optimizer.name).toBe('adam');
    expect(state?.limit).toBe(64);

    await windows.saveModel(runId, { modelJson: final.modelJson, weights: final.weights });
    const result = {
      trainLoss: 1,
      trainAccuracy: 0.5,
      testLoss: 1,
      testAccuracy: 0.5,
      confusion: [],
      perClassAccuracy: [],
      imagesPerSecond: 10,
    };
    await windows.event(runId, { kind: 'done', runId, stopped: false, result });

    const record = await manager.get(runId);
    expect(record).toMatchObject({ status: 'done', resumable: true, backend, result });
    expect(record.epochs).toEqual([metrics(1)]);
    expect(events.map((e) => e.kind)).toEqual(['started', 'epoch', 'done']);
    // Evaluate / Try an image / export read the model files the window sent.
    expect(manager.modelArtifactsDir(runId)).toBe(runPaths(dataDir, runId).model);
    const { test } = await openDataset('synthetic', { dataDir });
    const prediction = await manager.predict(runId, toSample(test, 0));
    expect(prediction.probabilities).toHaveLength(10);
    // The run is over: the window's further calls are refused.
    await expect(windows.heartbeat(runId)).rejects.toThrow(/is not training in a window/);
  });

  it('a window that goes silent ends the run as stopped; resuming hands back its checkpoint', async () => {
    const { runId } = await windows.start({ graph, training, backend: 'webgpu' });
    await windows.event(runId, { kind: 'epoch', runId, ...metrics(1) });
    const sent = await windowCheckpoint(1);
    await windows.saveCheckpoint(runId, sent);
    await until(async () => (await manager.get(runId)).status !== 'running');
    const stopped = await manager.get(runId);
    expect(stopped).toMatchObject({ status: 'stopped', resumable: true });
    expect(stopped.result?.testAccuracy).toBe(metrics(1).testAccuracy);
    expect(events.at(-1)).toMatchObject({ kind: 'done', stopped: true });

    const resumed = await windows.start({ graph, training, resumeFrom: runId, backend: 'webgl' });
    expect(resumed.runId).toBe(runId);
    expect(resumed.checkpoint?.epochsDone).toBe(1);
    expect(resumed.checkpoint?.weights).toBe(sent.weights);
    expect(resumed.checkpoint?.optimizer.data).toBe(sent.optimizer.data);
    expect((await manager.get(runId)).windowBackend).toBe('webgl');
    // The weights it hands back load into the model the window builds.
    const model = compileGraph(tf, graph);
    const bytes = Buffer.from(resumed.checkpoint!.weights, 'base64');
    loadModelWeights(
      tf,
      model,
      { modelJson: resumed.checkpoint!.modelJson, weights: new Uint8Array(bytes).buffer },
      'test',
    );
    model.dispose();
  });

  it('keeps the last good checkpoint when a window sends a damaged one', async () => {
    const { runId } = await windows.start({ graph, training, backend: 'webgl' });
    await windows.saveCheckpoint(runId, await windowCheckpoint(1));
    const good = await readCheckpointState(runPaths(dataDir, runId).checkpoint);
    const damaged = await windowCheckpoint(2);
    damaged.weights = damaged.weights.slice(0, 12);
    await expect(windows.saveCheckpoint(runId, damaged)).rejects.toThrow(/weights\.bin is 9 bytes, expected/);
    damaged.weights = (await windowCheckpoint(2)).weights;
    damaged.optimizer.specs = damaged.optimizer.specs.slice(1);
    await expect(windows.saveCheckpoint(runId, damaged)).rejects.toThrow(/optimizer\.bin/);
    expect(await readCheckpointState(runPaths(dataDir, runId).checkpoint)).toEqual(good);
    await expect(windows.saveModel(runId, { modelJson: '{}', weights: '' })).rejects.toThrow(
      /model\.json is not a tfjs model/,
    );
  });

  it('passes commands from elsewhere through the heartbeat, and refuses events of another run', async () => {
    const { runId } = await windows.start({ graph, training, backend: 'webgl' });
    expect(await windows.heartbeat(runId)).toEqual({ commands: [] });
    await manager.pause(runId);
    await manager.stop(runId);
    expect(await windows.heartbeat(runId)).toEqual({ commands: ['pause', 'stop'] });
    expect(await windows.heartbeat(runId)).toEqual({ commands: [] });
    await expect(windows.event(runId, { kind: 'paused', runId: 'other' })).rejects.toThrow(
      /the event is for run 'other'/,
    );
    await expect(windows.heartbeat('run-unknown')).rejects.toThrow(/is not training in a window/);
  });

  it('a window run that reports failure is failed, with its checkpoint kept', async () => {
    const { runId } = await windows.start({ graph, training, backend: 'webgpu' });
    await windows.saveCheckpoint(runId, await windowCheckpoint(1));
    await windows.event(runId, { kind: 'epoch', runId, ...metrics(1) });
    await windows.event(runId, { kind: 'failed', runId, message: 'The GPU was lost while training.' });
    expect(await manager.get(runId)).toMatchObject({
      status: 'failed',
      error: 'The GPU was lost while training.',
      resumable: true,
    });
    expect((await readCheckpointState(runPaths(dataDir, runId).checkpoint))?.epochsDone).toBe(1);
  });
});
