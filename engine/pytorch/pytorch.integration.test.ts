/**
 * PyTorch runs with the real torch (Debian's python3-torch): an epoch on synthetic data,
 * stop and resume, two processes, weights back, failures. These fail (never skip) when torch
 * is missing: the test command installs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { openDataset, sampleToInput, toSample } from '../datasets/index';
import type { GraphDocument, TrainingSettings } from '../graph/document';
import { quickTraining, tinyCnn } from '../train/test-support';
import type { RunEvent } from '../protocol/api';
import { readCheckpointState } from '../train/checkpoint';
import type { JobLauncher } from '../train/job-messages';
import { readModelWeights } from '../train/model-files';
import type { TrainingJob } from '../train/runner';
import { pytorchLauncher } from './launcher';
import { liveGroups } from './process-groups';
import { probeTorch } from './probe';
import { runWithLauncher } from './run-job';
import { torchUnavailable } from './choice';

let dataDir: string;
let python: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-studio-pytorch-test-'));
  const probe = await probeTorch();
  const problem = torchUnavailable(probe);
  if (problem)
    throw new Error(`these tests need PyTorch ≥ 1.13 (npm test installs python3-torch): ${problem}`);
  python = probe.found ? probe.report.executable : 'python3';
});
afterAll(async () => {
  if (!process.env.KEEP) await rm(dataDir, { recursive: true, force: true });
});

/** The tiny CNN with batch norm (so statistics and the flatten order come back too). */
function graphWith(settings: Partial<TrainingSettings> = {}): GraphDocument {
  const graph = tinyCnn({ batchNorm: true });
  graph.training = quickTraining({ epochs: 1, ...settings });
  return graph;
}

function job(runId: string, graph: GraphDocument, extra: Partial<TrainingJob> = {}): TrainingJob {
  const runDir = join(dataDir, 'runs', runId);
  return {
    runId,
    graph,
    training: graph.training,
    limit: 640,
    checkpointDir: join(runDir, 'checkpoint'),
    finalModelDir: join(runDir, 'model'),
    batchEventIntervalMs: 0,
    ...extra,
  };
}

function train(trainingJob: TrainingJob, launcher: JobLauncher = pytorchLauncher()) {
  const events: RunEvent[] = [];
  const launched = runWithLauncher(launcher, { job: trainingJob, dataDir }, { emit: (e) => events.push(e) });
  return { events, ...launched };
}

describe('PyTorch runs', () => {
  it('trains an epoch on synthetic data with the same events as tfjs, and the weights come back', async () => {
    const graph = graphWith({ schedule: 'cosine', warmupEpochs: 1, weightDecay: 1e-4, gradientClip: 5 });
    const run = train(job('one-epoch', graph));
    const outcome = await run.outcome;
    expect(outcome).toMatchObject({ status: 'done', backend: 'pytorch' });
    const kinds = [...new Set(run.events.map((e) => e.kind))];
    expect(kinds).toEqual(['started', 'batch', 'epoch', 'done']);
    const started = run.events[0] as Extract<RunEvent, { kind: 'started' }>;
    expect(started.backend.name).toBe('pytorch');
    expect(started.totalBatches).toBe(20);
    const batches = run.events.filter((e) => e.kind === 'batch');
    expect(batches.at(-1)).toMatchObject({ epoch: 1, batch: 20, batchesPerEpoch: 20 });
    const done = run.events.at(-1) as Extract<RunEvent, { kind: 'done' }>;
    expect(done.result.confusion).toHaveLength(10);
    expect(done.result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(160); // 640 of 2,000 → 160 of 500
    expect(done.result.testAccuracy).toBeGreaterThan(0.3);

    const state = await readCheckpointState(join(dataDir, 'runs', 'one-epoch', 'checkpoint'));
    expect(state).toMatchObject({ epochsDone: 1, datasetId: 'synthetic', limit: 640 });

    // The tfjs model from the returned weights predicts what PyTorch predicts.
    const dataset = await openDataset('synthetic', { dataDir });
    const images = Array.from({ length: 8 }, (_, i) => toSample(dataset.test, i * 50));
    const inputs = images.map((image) => sampleToInput(image, [28, 28, 1]));
    const model = compileGraph(tf, graph);
    await readModelWeights(tf, model, join(dataDir, 'runs', 'one-epoch', 'model'));
    const batch = tf.tensor4d(Float32Array.from(inputs.flatMap((x) => Array.from(x))), [
      inputs.length,
      28,
      28,
      1,
    ]);
    const ours = (model.predict(batch) as tf.Tensor).arraySync() as number[][];
    model.dispose();
    const theirs = torchPredictions(join(dataDir, 'runs', 'one-epoch', 'pytorch'), inputs);
    let worst = 0;
    ours.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - theirs[i][j])))));
    expect(worst).toBeLessThan(1e-4);
    expect(liveGroups()).toBe(0);
  });
});

/** PyTorch's own outputs for NHWC inputs, from the run's model.py and model.pt. */
function torchPredictions(workDir: string, inputs: Float32Array[]): number[][] {
  const script = `
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(workDir)})
from model import build_model
model = build_model()
model.load_state_dict(torch.load(${JSON.stringify(join(workDir, 'model.pt'))}))
model.eval()
x = torch.tensor(json.load(sys.stdin)).view(-1, 28, 28, 1).permute(0, 3, 1, 2)
with torch.no_grad():
    print(json.dumps(model(x).tolist()))
`;
  const out = execFileSync(python, ['-c', script], {
    input: JSON.stringify(inputs.map((x) => Array.from(x))),
    encoding: 'utf8',
  });
  return JSON.parse(out) as number[][];
}
