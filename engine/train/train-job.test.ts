import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSynthetic, SYNTHETIC_CLASSES } from '../datasets/builtin/synthetic';
import type { DatasetInfo, RunEvent } from '../protocol/api';
import { RunControl } from './control';
import { checkRunnable } from './preflight';
import { quickTraining, tinyCnn } from './test-support';
import { subsetData, trainCompiledJob, type CompiledJobOptions } from './train-job';

const data = buildSynthetic();
const info: DatasetInfo = {
  id: 'synthetic',
  name: data.name,
  source: 'builtin',
  trainSize: data.train.count,
  testSize: data.test.count,
  imageShape: [data.train.height, data.train.width, data.train.channels],
  classNames: SYNTHETIC_CLASSES,
};
const backend = { name: 'cpu', device: 'test', skipped: [], patchedKernels: [] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function options(overrides: Partial<CompiledJobOptions> = {}): CompiledJobOptions & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  const graph = tinyCnn();
  return {
    runId: 'r1',
    tf,
    backend,
    graph,
    settings: quickTraining({ epochs: 2, batchSize: 50 }),
    limit: 200,
    dataset: { info, train: data.train, test: data.test },
    plan: checkRunnable(graph, info),
    control: new RunControl(),
    emit: (event) => events.push(event),
    events,
    ...overrides,
  };
}

describe('trainCompiledJob (the job middle both hosts share)', () => {
  it('emits started with the subset batch count, trains every epoch, calls the hooks and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const epochsSeen: number[] = [];
    let trainedWeights = 0;
    const run = options({
      onEpochEnd: async (_model, _optimizer, epochsDone) => void epochsSeen.push(epochsDone),
      onTrained: async (model) => void (trainedWeights = model.getWeights().length),
    });
    const outcome = await trainCompiledJob(run);
    expect(run.events[0]).toMatchObject({
      kind: 'started',
      runId: 'r1',
      backend,
      totalBatches: 8,
      epochs: 2,
    });
    expect(run.events.filter((e) => e.kind === 'epoch')).toHaveLength(2);
    expect(epochsSeen).toEqual([1, 2]);
    expect(trainedWeights).toBeGreaterThan(0);
    expect(outcome.stopped).toBe(false);
    expect(outcome.history).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('samples training health: the second batch and the last, every layer of the graph named', async () => {
    const run = options();
    await trainCompiledJob(run);
    const health = run.events.filter((e) => e.kind === 'health');
    expect(health.map((e) => e.step)).toContain(2);
    expect(health.at(-1)).toMatchObject({ epoch: 2, batch: 4, step: 8 });
    expect(new Set(health[0].layers.map((layer) => layer.nodeId))).toEqual(
      new Set(['conv', 'pool', 'flat', 'out']),
    );
    const quiet = options({ health: false });
    await trainCompiledJob(quiet);
    expect(quiet.events.some((e) => e.kind === 'health')).toBe(false);
  });

  it('continues from what restore returns, and refuses a checkpoint that already trained every epoch', async () => {
    const history = [
      { epoch: 1, trainLoss: 2, trainAccuracy: 0.1, testLoss: 2, testAccuracy: 0.1, seconds: 1 },
    ];
    const resumed = options({ restore: async () => ({ epochsDone: 1, history }) });
    const outcome = await trainCompiledJob(resumed);
    expect(
      resumed.events.filter((e) => e.kind === 'epoch').map((e) => (e as { epoch: number }).epoch),
    ).toEqual([2]);
    expect(outcome.history).toHaveLength(2);

    const done = options({ restore: async () => ({ epochsDone: 2, history: [...history, history[0]] }) });
    await expect(trainCompiledJob(done)).rejects.toThrow(/already trained 2 epochs, and this run has 2/);
  });

  it('takes a seeded subset and holds out a validation share', () => {
    const subset = subsetData(data.train, data.test, 100, 7, 0.2);
    expect(subset.trainIndices).toHaveLength(80);
    expect(subset.validationIndices).toHaveLength(20);
    expect(subsetData(data.train, data.test, 100, 7, 0.2)).toEqual(subset);
    expect(() => subsetData(data.train, data.test, 0, 7)).toThrow(/at least 1 image/);
  });
});
