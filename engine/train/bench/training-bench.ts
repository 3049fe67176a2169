/**
 * Steady-state training speed of a graph: the real training step (forward in training
 * mode, backward, optimizer update) on one batch of random data reused, timed after
 * warm-up batches (kernel compilation, first allocations), for at least `seconds` and
 * `minBatches`. Data loading is measured separately (the datasets' `benchPipeline`).
 */
import type { GraphDocument } from '../../graph/document';
import { compileGraph } from '../../compile/compile';
import { assertTrainingKernels } from '../../backends/kernel-check';
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

export async function benchTraining(
  tf: Tf,
  graph: GraphDocument,
  options: TrainingBenchOptions,
): Promise<TrainingBenchResult> {
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
