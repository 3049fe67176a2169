/**
 * The training loop: epochs of shuffled batches, one optimizer step each, throttled batch
 * events, a test evaluation per epoch, pause/stop between batches and a hook after each
 * epoch (checkpoints). It owns no I/O and no backend choice: `runner.ts` prepares the model,
 * data and optimizer, and this module only trains them.
 */
import type { ImageSet } from '../datasets/types';
import { createBatches } from '../datasets/pipeline/batches';
import type { Shape, TrainingSettings } from '../graph/document';
import type { EpochMetrics, LayerHealth, RunEvent, RunResult } from '../protocol/api';
import { yieldToEventLoop, type RunControl } from './control';
import { evaluateSet, type Evaluation } from './evaluate';
import { divergenceError, explainFailure, TrainingError } from './failures';
import { perClassAccuracy } from './metrics';
import type { LayerHealthMonitor } from './layer-health';
import type { TrainingOptimizer } from './optimizer';
import type { MemoryEstimate } from './memory';
import { learningRateAt } from './schedule';
import { withRandom } from './seeded-random';
import { trainStep, type StepContext } from './step';
import type { Tf, tfjs } from './tf-types';

/** The images a run trains and evaluates on, with optional subsets (`--limit`, validation). */
export interface TrainingData {
  train: ImageSet;
  test: ImageSet;
  trainIndices?: Uint32Array;
  testIndices?: Uint32Array;
  /**
   * Images of `train` held out for validation (`validationSplit`). When given, each epoch is
   * evaluated on them (the epoch's `test…` metrics are then validation metrics) and the
   * test set is evaluated once at the end for the result.
   */
  validationIndices?: Uint32Array;
}

export interface TrainLoopOptions {
  runId: string;
  tf: Tf;
  model: tfjs.LayersModel;
  optimizer: TrainingOptimizer;
  settings: TrainingSettings;
  data: TrainingData;
  classCount: number;
  outputIsProbabilities: boolean;
  /** The model's input `[h, w, c]`; images are adapted to it. */
  target: Shape;
  control: RunControl;
  emit: (event: RunEvent) => void;
  /** Seeded generator used as `Math.random` during each step (dropout masks). */
  random: () => number;
  /** 0-based epoch to start at (> 0 when resuming from a checkpoint). */
  startEpoch?: number;
  /** Metrics of the epochs already done (when resuming). */
  history?: EpochMetrics[];
  /** Called after each epoch's evaluation, before the epoch event (write a checkpoint here). */
  onEpochEnd?: (epochsDone: number, history: EpochMetrics[], evaluation: Evaluation) => Promise<void>;
  /** Minimum milliseconds between batch events (the last batch of an epoch always gets one). Default 50. */
  batchEventIntervalMs?: number;
  /** Trainable + non-trainable parameters, for the out-of-memory message. */
  paramCount: number;
  /** The step's memory estimate, for the out-of-memory message. */
  memory?: MemoryEstimate;
  backendName?: string;
  /** Samples per-layer training health on some batches and emits `health` events; absent: none. */
  health?: LayerHealthMonitor | null;
}

export interface TrainLoopOutcome {
  stopped: boolean;
  result: RunResult;
  history: EpochMetrics[];
}

/** Number of batches an epoch has for `count` images. */
export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / Math.max(1, batchSize));
}

/**
 * Trains until the configured epochs are done or a stop is requested. Events are 1-based:
 * `epoch: 1, batch: 1` is the first batch. Throws `TrainingError` with a readable message
 * on divergence, out of memory or a missing kernel; every tensor it makes is disposed.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopOutcome> {
  const { tf, settings, data, control, emit, runId } = options;
  const [h, w, c] = options.target;
  const stepContext: StepContext = {
    tf,
    model: options.model,
    optimizer: options.optimizer,
    classCount: options.classCount,
    outputIsProbabilities: options.outputIsProbabilities,
    gradientClip: settings.gradientClip,
  };
  const trainCount = data.trainIndices?.length ?? data.train.count;
  const perEpoch = batchesPerEpoch(trainCount, settings.batchSize);
  const interval = options.batchEventIntervalMs ?? 50;
  const history = [...(options.history ?? [])];
  let lastEvaluation: Evaluation | null = null;
  let trainSeconds = 0;
  let trainImages = 0;
  let lastTrain = { loss: history.at(-1)?.trainLoss ?? 0, accuracy: history.at(-1)?.trainAccuracy ?? 0 };
  let epoch = options.startEpoch ?? 0;
  let batch = 0;
  let healthFailed = false;
  const evaluationOptions = {
    batchSize: settings.batchSize,
    target: options.target,
    shouldStop: () => control.stopRequested,
  };
  const testOptions = { ...evaluationOptions, ...(data.testIndices ? { indices: data.testIndices } : {}) };
  const assertFiniteLoss = (
    evaluation: Evaluation,
    evaluatedOn: 'test' | 'validation',
    epochsDone: number,
  ) => {
    if (evaluation.count > 0 && !Number.isFinite(evaluation.loss)) {
      const learningRate = learningRateAt(settings, {
        epoch: epochsDone - 1,
        batch: perEpoch - 1,
        batchesPerEpoch: perEpoch,
      });
      throw divergenceError(evaluation.loss, {
        epoch: epochsDone,
        learningRate,
        optimizer: settings.optimizer,
        evaluatedOn,
      });
    }
  };

  try {
    for (; epoch < settings.epochs && !control.stopRequested; epoch++) {
      const epochStart = performance.now();
      let pausedSeconds = 0;
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lastEventAt = -Infinity;
      batch = 0;
      const batches = createBatches(data.train, {
        batchSize: settings.batchSize,
        target: [h, w, c],
        shuffle: true,
        seed: settings.seed * 1000 + epoch,
        augmentFlip: settings.augmentFlip,
        augmentCrop: settings.augmentCrop,
        ...(data.trainIndices ? { indices: data.trainIndices } : {}),
      });
      for (const next of batches) {
        pausedSeconds += await control.waitWhilePaused(
          () => emit({ kind: 'paused', runId }),
          () => emit({ kind: 'resumed', runId }),
        );
        if (control.stopRequested) break;
        const learningRate = learningRateAt(settings, { epoch, batch, batchesPerEpoch: perEpoch });
        const xs = tf.tensor4d(next.xs, [next.size, h, w, c]);
        const labels = tf.tensor1d(next.labels, 'int32');
        const lastOfRun = epoch === settings.epochs - 1 && batch + 1 === perEpoch;
        const sampling =
          !healthFailed && options.health?.due(epoch * perEpoch + batch, lastOfRun)
            ? options.health.begin()
            : undefined;
        let packed: tfjs.Tensor1D;
        let health: LayerHealth[] | null = null;
        try {
          packed = withRandom(options.random, () =>
            trainStep(stepContext, xs, labels, learningRate, sampling),
          );
          // Health figures are an aid: a failure to measure them stops sampling, not training.
          if (sampling) health = await sampling.collect(xs).catch(() => ((healthFailed = true), null));
        } finally {
          sampling?.dispose();
          tf.dispose([xs, labels]);
        }
        const [loss, batchCorrect] = await packed.data();
        packed.dispose();
        batch++;
        if (!Number.isFinite(loss)) {
          throw divergenceError(loss, {
            epoch: epoch + 1,
            batch,
            learningRate,
            optimizer: settings.optimizer,
          });
        }
        lossSum += loss * next.size;
        correct += batchCorrect;
        seen += next.size;
        const now = performance.now();
        const elapsed = (now - epochStart) / 1000 - pausedSeconds;
        const isLast = batch === perEpoch;
        if (isLast || now - lastEventAt >= interval) {
          lastEventAt = now;
          const secondsPerBatch = elapsed / batch;
          const remaining = perEpoch - batch + (settings.epochs - epoch - 1) * perEpoch;
          emit({
            kind: 'batch',
            runId,
            epoch: epoch + 1,
            batch,
            batchesPerEpoch: perEpoch,
            loss,
            accuracy: batchCorrect / next.size,
            imagesPerSecond: elapsed > 0 ? seen / elapsed : 0,
            elapsedSeconds: elapsed,
            etaSeconds: secondsPerBatch * remaining,
          });
        }
        if (health)
          emit({
            kind: 'health',
            runId,
            epoch: epoch + 1,
            batch,
            step: epoch * perEpoch + batch,
            layers: health,
          });
        await yieldToEventLoop();
      }
      const epochTrainSeconds = (performance.now() - epochStart) / 1000 - pausedSeconds;
      trainSeconds += epochTrainSeconds;
      trainImages += seen;
      if (seen > 0) lastTrain = { loss: lossSum / seen, accuracy: correct / seen };
      if (control.stopRequested) break;

      const evaluation = data.validationIndices
        ? await evaluateSet(stepContext, data.train, {
            ...evaluationOptions,
            indices: data.validationIndices,
          })
        : await evaluateSet(stepContext, data.test, testOptions);
      if (!evaluation) break;
      // The last steps of an epoch can break the weights without a training loss showing it.
      assertFiniteLoss(evaluation, data.validationIndices ? 'validation' : 'test', epoch + 1);
      lastEvaluation = evaluation;
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: lastTrain.loss,
        trainAccuracy: lastTrain.accuracy,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.accuracy,
        seconds: (performance.now() - epochStart) / 1000 - pausedSeconds,
      };
      history.push(metrics);
      await options.onEpochEnd?.(epoch + 1, history, evaluation);
      emit({ kind: 'epoch', runId, ...metrics });
    }
    if (data.validationIndices && lastEvaluation && !control.stopRequested) {
      const final = await evaluateSet(stepContext, data.test, testOptions);
      if (final) assertFiniteLoss(final, 'test', epoch);
      lastEvaluation = final ?? lastEvaluation;
    }
  } catch (error) {
    if (error instanceof TrainingError) throw error;
    throw new TrainingError(
      explainFailure(error, {
        epoch: epoch + 1,
        batch: batch + 1,
        batchSize: settings.batchSize,
        paramCount: options.paramCount,
        ...(options.memory ? { memory: options.memory } : {}),
        ...(options.backendName ? { backend: options.backendName } : {}),
      }),
    );
  }

  const last = history.at(-1);
  const testImages = data.testIndices?.length ?? data.test.count;
  const result: RunResult = {
    testImages,
    trainLoss: lastTrain.loss,
    trainAccuracy: lastTrain.accuracy,
    testLoss: lastEvaluation?.loss ?? last?.testLoss ?? 0,
    testAccuracy: lastEvaluation?.accuracy ?? last?.testAccuracy ?? 0,
    confusion: lastEvaluation?.confusion ?? [],
    perClassAccuracy: lastEvaluation ? perClassAccuracy(lastEvaluation.confusion) : [],
    imagesPerSecond: trainSeconds > 0 ? trainImages / trainSeconds : 0,
  };
  return { stopped: control.stopRequested || epoch < settings.epochs, result, history };
}
