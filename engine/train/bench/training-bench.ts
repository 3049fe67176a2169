/**
 * Steady-state training speed of a graph: the real training step (forward in training
 * mode, backward, optimizer update) on one batch of random data reused, timed after
 * warm-up batches (kernel compilation, first allocations), for at least `seconds` and
 * `minBatches`. Data loading is measured separately (the datasets' `benchPipeline`).
 */
import type { GraphDocument } from '../../graph/document';
import { compileGraph } from '../../compile/compile';
import { assertTrainingKernels } from '../../backends/kernel-check';
import { DEFAULT_HEALTH_BUDGET, LayerHealthMonitor } from '../layer-health';
import { createOptimizer } from '../optimizer';
import { checkRunnable } from '../preflight';
import { createRandom, withRandom } from '../seeded-random';
import { trainStep } from '../step';
import type { Tf, tfjs } from '../tf-types';

export interface TrainingBenchOptions {
  batchSize: number;
  seconds: number;
  warmupBatches?: number;
  minBatches?: number;
  classCount?: number;
}

export interface TrainingBenchResult {
  imagesPerSecond: number;
  batches: number;
  seconds: number;
}

/** A compiled model, plain SGD and one fixed batch of random images: what both benches step on. */
function randomBatchSetup(tf: Tf, graph: GraphDocument, options: TrainingBenchOptions) {
  const classCount = options.classCount ?? 10;
  const plan = checkRunnable(graph, {
    id: 'random',
    name: 'random data',
    source: 'builtin',
    trainSize: options.batchSize,
    testSize: 0,
    imageShape: [28, 28, 1],
    classNames: Array.from({ length: classCount }, (_, i) => String(i)),
  });
  const random = createRandom(0);
  const model = withRandom(random, () => compileGraph(tf, graph));
  const optimizer = createOptimizer(tf, { ...graph.training, optimizer: 'sgd', momentum: 0, weightDecay: 0 });
  const [h, w, c] = plan.inputShape;
  const xs = tf.randomUniform([options.batchSize, h, w, c], 0, 1, 'float32', 1) as tfjs.Tensor4D;
  const labels = tf.tensor1d(
    Int32Array.from({ length: options.batchSize }, (_, i) => i % classCount),
    'int32',
  );
  const context = {
    tf,
    model,
    optimizer,
    classCount,
    outputIsProbabilities: plan.outputIsProbabilities,
    gradientClip: 0,
  };
  return { random, model, optimizer, xs, labels, context };
}

export async function benchTraining(
  tf: Tf,
  graph: GraphDocument,
  options: TrainingBenchOptions,
): Promise<TrainingBenchResult> {
  const { random, model, optimizer, xs, labels, context } = randomBatchSetup(tf, graph, options);
  const step = async () => {
    const packed = withRandom(random, () => trainStep(context, xs, labels, 0.01));
    await packed.data();
    packed.dispose();
  };
  try {
    assertTrainingKernels(tf, model);
    for (let i = 0; i < (options.warmupBatches ?? 2); i++) await step();
    const minBatches = options.minBatches ?? 2;
    const started = performance.now();
    let batches = 0;
    while (batches < minBatches || performance.now() - started < options.seconds * 1000) {
      await step();
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { imagesPerSecond: (batches * options.batchSize) / seconds, batches, seconds };
  } finally {
    tf.dispose([xs, labels]);
    optimizer.dispose();
    model.dispose();
  }
}

export interface HealthCostResult {
  /** Training without health samples (median step). */
  plainImagesPerSecond: number;
  /** Training with them at a run's sampling schedule (layer-health.ts's budget). */
  healthImagesPerSecond: number;
  /** The share of training speed the samples cost at that schedule. */
  cost: number;
  /** Median milliseconds of a plain step and of a sampled step (the step plus its health figures). */
  stepMs: number;
  sampledStepMs: number;
  /** Sampled steps measured. */
  samples: number;
  /** Seconds of training between two samples at that schedule. */
  intervalSeconds: number;
}

/**
 * What training health costs a run of `graph`: plain training steps and sampled ones (the
 * step with its health figures) are timed interleaved on the same model, so a machine whose
 * load drifts affects both alike; the medians give the extra time of a sample `E` and the
 * sampled step's time `S`. A run's monitor takes the next sample `S / budget` ms after one,
 * so at that schedule the samples cost `E / (S + S / budget)` of the training time. (Timing a
 * whole run instead needs minutes per figure: one sample per ~40 sampled-step times.)
 */
export async function benchHealthCost(
  tf: Tf,
  graph: GraphDocument,
  options: TrainingBenchOptions & { samples?: number; budget?: number },
): Promise<HealthCostResult> {
  const budget = options.budget ?? DEFAULT_HEALTH_BUDGET;
  const { random, model, optimizer, xs, labels, context } = randomBatchSetup(tf, graph, options);
  const monitor = LayerHealthMonitor.create(tf, model, graph, { budget });
  if (!monitor) throw new Error(`${graph.name}: its layers cannot be sampled for training health`);
  /** One step, sampled or not; its milliseconds. */
  const step = async (sampled: boolean): Promise<number> => {
    const started = performance.now();
    const sampling = sampled ? monitor.begin() : undefined;
    try {
      const packed = withRandom(random, () => trainStep(context, xs, labels, 0.01, sampling));
      if (sampling) await sampling.collect(xs);
      await packed.data();
      packed.dispose();
    } finally {
      sampling?.dispose();
    }
    return performance.now() - started;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  try {
    assertTrainingKernels(tf, model);
    for (let i = 0; i < (options.warmupBatches ?? 2); i++) await step(false);
    await step(true); // the first sample builds its kernels too
    const samples = Math.max(1, options.samples ?? 3);
    const plain: number[] = [];
    const sampled: number[] = [];
    const started = performance.now();
    while (
      sampled.length < samples ||
      plain.length < (options.minBatches ?? 2) ||
      performance.now() - started < options.seconds * 1000
    ) {
      for (let i = 0; i < 3; i++) plain.push(await step(false));
      sampled.push(await step(true));
    }
    const stepMs = median(plain);
    const sampledStepMs = median(sampled);
    const extra = Math.max(0, sampledStepMs - stepMs);
    const cost = extra / (sampledStepMs + sampledStepMs / budget);
    const plainImagesPerSecond = (options.batchSize * 1000) / stepMs;
    return {
      plainImagesPerSecond,
      healthImagesPerSecond: plainImagesPerSecond * (1 - cost),
      cost,
      stepMs,
      sampledStepMs,
      samples: sampled.length,
      intervalSeconds: sampledStepMs / budget / 1000,
    };
  } finally {
    tf.dispose([xs, labels]);
    optimizer.dispose();
    model.dispose();
  }
}
