/**
 * Fine-tuning saved (imported) weights: a new run starts from a model folder's weights,
 * matched by layer name and shape; the layers the person changed start fresh.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import type { LogEvent } from '../protocol/api';
import { loadInitialWeights } from './initial-weights';
import { inProcessLauncher } from './launchers';
import { MODEL_FILE, WEIGHTS_FILE, writeModelFiles } from './model-files';
import { createRunManager } from './run-manager';
import { runPaths } from './run-store';
import { quickTraining, tinyCnn } from './test-support';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-initial-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (model: tf.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

describe('loadInitialWeights', () => {
  it('sets the weights whose layer and shape match, and names those that start fresh', async () => {
    const source = compileGraph(tf, tinyCnn({ units: 10 }));
    await writeModelFiles(tf, source, dir);
    // The person changed the head: 5 classes instead of 10.
    const target = compileGraph(tf, tinyCnn({ units: 5 }));
    const { loaded, fresh } = await loadInitialWeights(tf, target, dir);
    const [sourceValues, targetValues] = [values(source), values(target)];
    const head = target.weights.filter((w) => fresh.includes(w.originalName));
    expect(head.map((w) => w.shape.length)).toEqual([2, 1]); // the dense kernel and bias
    expect(loaded).toBe(target.weights.length - 2);
    target.weights.forEach((w, i) => {
      if (!fresh.includes(w.originalName)) expect(targetValues[i]).toEqual(sourceValues[i]);
    });
    source.dispose();
    target.dispose();
  });

  it('refuses a folder none of whose weights fit', async () => {
    const other = compileGraph(tf, {
      ...tinyCnn({ units: 10 }),
      nodes: tinyCnn({ units: 10 }).nodes.map((node) => ({ ...node, id: `x${node.id}` })),
      edges: tinyCnn({ units: 10 }).edges.map((edge) => ({
        ...edge,
        source: `x${edge.source}`,
        target: `x${edge.target}`,
      })),
    });
    await writeModelFiles(tf, other, dir);
    other.dispose();
    const target = compileGraph(tf, tinyCnn({ units: 10 }));
    await expect(loadInitialWeights(tf, target, dir)).rejects.toThrow(
      `none of the weights in ${dir} fit this graph`,
    );
    target.dispose();
  });
});

describe("a run started from another run's weights", () => {
  it('trains from them (a tiny learning rate leaves them almost as they were)', async () => {
    const logs: LogEvent[] = [];
    const manager = createRunManager({
      dataDir: dir,
      emit: () => {},
      log: (e) => logs.push(e),
      launcher: inProcessLauncher(),
    });
    try {
      // The imported weights, kept as a finished run (what importModel does).
      const source = compileGraph(tf, tinyCnn({ units: 10 }));
      const sourceId = 'run-imported-weights';
      const model = runPaths(dir, sourceId).model;
      await (await import('node:fs/promises')).mkdir(model, { recursive: true });
      await writeModelFiles(tf, source, model);
      const expected = values(source);
      source.dispose();
      await manager.adopt({
        id: sourceId,
        name: 'Imported weights: tiny',
        startedAt: new Date().toISOString(),
        status: 'done',
        graph: tinyCnn({ units: 10 }),
        training: quickTraining(),
        datasetId: 'synthetic',
        backend: null,
        epochs: [],
        result: null,
        error: null,
        resumable: false,
      });
      const { runId } = await manager.start({
        graph: tinyCnn({ units: 10 }),
        training: quickTraining({ epochs: 1, learningRate: 1e-9, optimizer: 'sgd' }),
        limit: 64,
        initialWeights: sourceId,
      });
      await manager.whenSettled(runId);
      expect((await manager.get(runId)).status).toBe('done');
      expect(logs.map((e) => e.message)).toContainEqual(
        expect.stringContaining('starting from the weights in'),
      );
      const trained = compileGraph(tf, tinyCnn({ units: 10 }));
      const { readModelWeights } = await import('./model-files');
      await readModelWeights(tf, trained, runPaths(dir, runId).model);
      values(trained).forEach((weights, i) =>
        weights.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 5)),
      );
      trained.dispose();
      expect(JSON.parse(await readFile(join(model, MODEL_FILE), 'utf8')).weightsManifest).toBeDefined();
      expect((await readFile(join(model, WEIGHTS_FILE))).byteLength).toBeGreaterThan(0);
    } finally {
      await manager.dispose();
    }
  }, 60_000);
});
