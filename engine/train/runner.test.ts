import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../protocol/api';
import { readCheckpointState } from './checkpoint';
import { RunControl } from './control';
import { runTrainingJob, type TrainingJob } from './runner';
import { quickTraining, tinyCnn } from './test-support';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-train-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function job(overrides: Partial<TrainingJob> = {}): TrainingJob {
  return {
    runId: 'r1',
    graph: tinyCnn(),
    training: quickTraining(),
    limit: 320,
    batchEventIntervalMs: 0,
    ...overrides,
  };
}

async function collect(j: TrainingJob, control?: RunControl, onEvent?: (event: RunEvent) => void) {
  const events: RunEvent[] = [];
  const outcome = await runTrainingJob(j, {
    dataDir,
    control,
    emit: (event) => {
      events.push(event);
      onEvent?.(event);
    },
  });
  return { events, outcome };
}

describe('runTrainingJob', () => {
  it('learns the synthetic set: loss falls and events come in order', async () => {
    const { events, outcome } = await collect(job({ training: quickTraining({ epochs: 3 }), limit: 640 }));
    expect(outcome.status).toBe('done');
    // Training-health samples come between batches too (their order: train-job.test.ts).
    const kinds = events.map((e) => e.kind).filter((kind) => kind !== 'health');
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('done');
    // started → batch… → epoch, three times, then done.
    const compact = kinds.filter((k, i) => k !== 'batch' || kinds[i - 1] !== 'batch');
    expect(compact).toEqual(['started', 'batch', 'epoch', 'batch', 'epoch', 'batch', 'epoch', 'done']);
    const batches = events.filter((e): e is Extract<RunEvent, { kind: 'batch' }> => e.kind === 'batch');
    expect(batches.filter((b) => b.epoch === 1).map((b) => b.batch)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const epochs = events.filter((e): e is Extract<RunEvent, { kind: 'epoch' }> => e.kind === 'epoch');
    expect(epochs[2].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(epochs[2].testAccuracy).toBeGreaterThan(0.3);
    const done = events.at(-1) as Extract<RunEvent, { kind: 'done' }>;
    expect(done.stopped).toBe(false);
    expect(done.result.confusion).toHaveLength(10);
    expect(done.result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(160);
    expect(done.result.perClassAccuracy).toHaveLength(10);
  });

  it('throttles batch events but always sends the last batch of an epoch', async () => {
    const { events } = await collect(
      job({ batchEventIntervalMs: 60_000, training: quickTraining({ epochs: 1 }) }),
    );
    const batches = events.filter((e) => e.kind === 'batch').map((e) => (e as { batch: number }).batch);
    expect(batches).toEqual([1, 10]);
  });

  it('keeps the tensor count flat across epochs (every tensor disposed)', async () => {
    const counts: number[] = [];
    await collect(
      job({
        graph: tinyCnn({ batchNorm: true, dropout: true }),
        training: quickTraining({ epochs: 4, gradientClip: 1, weightDecay: 1e-4, optimizer: 'adamw' }),
      }),
      undefined,
      (event) => {
        if (event.kind === 'epoch') counts.push(tf.memory().numTensors);
      },
    );
    expect(counts).toHaveLength(4);
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('stops mid-run after the current batch and reports a stopped result', async () => {
    const control = new RunControl();
    const { events, outcome } = await collect(
      job({ training: quickTraining({ epochs: 5 }) }),
      control,
      (event) => {
        if (event.kind === 'batch' && event.epoch === 1 && event.batch === 3) control.stop();
      },
    );
    expect(outcome.status).toBe('stopped');
    expect(events.filter((e) => e.kind === 'batch')).toHaveLength(3);
    expect(events.some((e) => e.kind === 'epoch')).toBe(false);
    expect(events.at(-1)).toMatchObject({ kind: 'done', stopped: true });
  });

  it('pauses and resumes between batches', async () => {
    const control = new RunControl();
    const order: string[] = [];
    const { outcome } = await collect(job({ training: quickTraining({ epochs: 1 }) }), control, (event) => {
      if (event.kind === 'health') return;
      order.push(event.kind === 'batch' ? `b${event.batch}` : event.kind);
      if (event.kind === 'batch' && event.batch === 2) {
        control.pause();
        setTimeout(() => control.resume(), 50);
      }
    });
    expect(outcome.status).toBe('done');
    expect(order.slice(0, 6)).toEqual(['started', 'b1', 'b2', 'paused', 'resumed', 'b3']);
  });

  it('checkpoints each epoch and resumes at the next epoch with the optimizer state', async () => {
    const training = (epochs: number) =>
      quickTraining({ epochs, optimizer: 'sgd', momentum: 0.9, learningRate: 0.05 });
    const straight = await collect(job({ training: training(3) }));
    const checkpointDir = join(dataDir, 'ckpt');
    const first = await collect(job({ checkpointDir, training: training(2) }));
    expect(first.outcome.status).toBe('done');
    const state = await readCheckpointState(checkpointDir);
    expect(state?.epochsDone).toBe(2);
    expect(state?.optimizer.specs.length).toBeGreaterThan(1); // step count + momentum per variable
    const resumed = await collect(job({ checkpointDir, resumeFrom: checkpointDir, training: training(3) }));
    expect(resumed.outcome.status).toBe('done');
    const epochs = resumed.events.filter(
      (e): e is Extract<RunEvent, { kind: 'epoch' }> => e.kind === 'epoch',
    );
    expect(epochs.map((e) => e.epoch)).toEqual([3]);
    expect((resumed.events.find((e) => e.kind === 'batch') as { epoch: number }).epoch).toBe(3);
    // Same weights, momentum and shuffle order as the run that never stopped: the same epoch 3.
    const straightThird = straight.events.filter(
      (e): e is Extract<RunEvent, { kind: 'epoch' }> => e.kind === 'epoch',
    )[2];
    expect(epochs[0].trainLoss).toBeCloseTo(straightThird.trainLoss, 4);
    expect(epochs[0].testAccuracy).toBeCloseTo(straightThird.testAccuracy, 4);
    if (resumed.outcome.status === 'done')
      expect(resumed.outcome.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  });

  it('fails with a readable message when the loss becomes NaN', async () => {
    // Weights of ~1e38 overflow float32 within a few steps.
    const { outcome, events } = await collect(
      job({ training: quickTraining({ optimizer: 'sgd', learningRate: 1e38 }) }),
    );
    expect(outcome.status).toBe('failed');
    const message = (events.at(-1) as { message: string }).message;
    expect(message).toMatch(
      /^loss became (NaN|Infinity) at epoch 1 batch \d+ — the learning rate 1e\+38 is probably too high; try 0\.1$/,
    );
  });

  it('rejects a learning rate that is not a positive number before training', async () => {
    const { outcome, events } = await collect(job({ training: quickTraining({ learningRate: NaN }) }));
    expect(outcome).toEqual({
      status: 'failed',
      message: 'the learning rate must be a positive number, got NaN',
    });
    expect(events.map((e) => e.kind)).toEqual(['failed']);
  });

  it('refuses a model whose output units differ from the class count, naming both', async () => {
    const { outcome } = await collect(job({ graph: tinyCnn({ units: 7 }) }));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect((outcome as { message: string }).message).toMatch(
      /'synthetic' has 10 classes but the model's output node out has 7 units/,
    );
  });

  it('fails before training when the backend cannot train a layer, naming it', async () => {
    const graph = tinyCnn();
    graph.nodes[1].params = { ...graph.nodes[1].params, dilation: 2 };
    const { outcome, events } = await collect(job({ graph }));
    expect(events.map((e) => e.kind)).toEqual(['failed']);
    expect((outcome as { message: string }).message).toMatch(/^Layer '.*conv.*' \(Conv2D\) has dilation/);
  });

  it('adapts images to the input node: 32×32 input trains on 28×28 data', async () => {
    const { outcome } = await collect(
      job({ graph: tinyCnn({ size: 32 }), training: quickTraining({ epochs: 1 }), limit: 64 }),
    );
    expect(outcome.status).toBe('done');
  });

  it('holds out a validation split: epochs report it, the result reports the test set', async () => {
    const { events, outcome } = await collect(
      job({ training: quickTraining({ epochs: 1, validationSplit: 0.25 }) }),
    );
    expect(outcome.status).toBe('done');
    const batches = events.filter((e) => e.kind === 'batch');
    expect((batches[0] as { batchesPerEpoch: number }).batchesPerEpoch).toBe(8); // 240 of 320 images at 32
    const done = events.at(-1) as Extract<RunEvent, { kind: 'done' }>;
    expect(done.result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(80); // the test subset
  });

  it('makes the seed matter: same seed, same first loss; another seed, another', async () => {
    const firstLoss = async (seed: number) => {
      const { events } = await collect(job({ training: quickTraining({ epochs: 1, seed }), limit: 32 }));
      return (events.find((e) => e.kind === 'batch') as { loss: number }).loss;
    };
    const a = await firstLoss(1);
    expect(await firstLoss(1)).toBe(a);
    expect(await firstLoss(2)).not.toBe(a);
  });

  it('fails the run when the weights break on the last step of an epoch (NaN test loss)', async () => {
    // One batch per epoch: the training loss is read before the step that breaks the weights.
    const { outcome, events } = await collect(
      job({ training: quickTraining({ epochs: 1, optimizer: 'sgd', learningRate: 1e38 }), limit: 32 }),
    );
    expect(outcome.status).toBe('failed');
    expect(events.at(-1)?.kind).toBe('failed');
    expect((outcome as { message: string }).message).toMatch(
      /^the test loss became (NaN|Infinity) after epoch 1 — the learning rate 1e\+38 is probably too high; try 0\.1$/,
    );
  });

  it('refuses a graph whose training step cannot fit in memory, before allocating anything', async () => {
    vi.stubEnv('CNN_STUDIO_MEMORY_LIMIT_MB', '4096');
    try {
      const started = performance.now();
      const before = tf.memory().numBytes;
      const { outcome, events } = await collect(job({ graph: tinyCnn({ size: 4096 }) }));
      expect(events.map((e) => e.kind)).toEqual(['failed']);
      expect((outcome as { message: string }).message).toMatch(
        /^a training step needs about [\d.]+ GB at batch size 32 \([\d.]+ GB of activations per image, [\d.]+ GB for weights, gradients and optimizer state\), more than the memory budget of 4\.0 GB \(CNN_STUDIO_MEMORY_LIMIT_MB=4096\) — the largest batch size that fits is 1; or use a smaller input size \(CNN_STUDIO_MEMORY_LIMIT_MB sets the budget\)$/,
      );
      expect(tf.memory().numBytes).toBe(before);
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('names the batch size that fits when a smaller batch would', async () => {
    vi.stubEnv('CNN_STUDIO_MEMORY_LIMIT_MB', '1');
    try {
      const { outcome } = await collect(
        job({ graph: tinyCnn(), training: quickTraining({ batchSize: 512 }) }),
      );
      expect((outcome as { message: string }).message).toMatch(
        /— the largest batch size that fits is \d+; or use a smaller input size/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses a checkpoint folder holding other files before training, and leaves them', async () => {
    const checkpointDir = join(dataDir, 'not-a-checkpoint');
    await mkdir(join(checkpointDir, 'sub'), { recursive: true });
    await writeFile(join(checkpointDir, 'thesis.tex'), 'years of work');
    await writeFile(join(checkpointDir, 'sub', 'data.csv'), '1,2');
    const { outcome, events } = await collect(job({ checkpointDir }));
    expect(events.map((e) => e.kind)).toEqual(['failed']);
    expect((outcome as { message: string }).message).toBe(
      `the checkpoint folder ${checkpointDir} holds files CNN Studio did not write (sub/, thesis.tex): choose a new or empty folder — nothing was changed`,
    );
    expect(await readFile(join(checkpointDir, 'thesis.tex'), 'utf8')).toBe('years of work');
    expect(await readFile(join(checkpointDir, 'sub', 'data.csv'), 'utf8')).toBe('1,2');
    expect(await readdir(dataDir)).not.toContain('not-a-checkpoint.old');
  });

  it('refuses a file given as the final model folder and keeps it', async () => {
    const finalModelDir = join(dataDir, 'model-file');
    await writeFile(finalModelDir, 'a file');
    const { outcome } = await collect(job({ finalModelDir }));
    expect((outcome as { message: string }).message).toMatch(/^the model folder .* is a file, not a folder/);
    expect(await readFile(finalModelDir, 'utf8')).toBe('a file');
  });

  it("refuses to resume a checkpoint that already trained all of the run's epochs", async () => {
    const checkpointDir = join(dataDir, 'complete');
    await collect(job({ checkpointDir, training: quickTraining({ epochs: 1 }), limit: 64 }));
    const { outcome } = await collect(
      job({ resumeFrom: checkpointDir, training: quickTraining({ epochs: 1 }), limit: 64 }),
    );
    expect((outcome as { message: string }).message).toBe(
      `the checkpoint in ${checkpointDir} has already trained 1 epochs, and this run has 1: set more epochs to train further`,
    );
  });
});
