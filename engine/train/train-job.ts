/**
 * The host-independent middle of a training job, shared by the engine's runner (worker
 * thread, tfjs-node/wasm/cpu) and the window's training worker (WebGPU/WebGL): once a host
 * has a backend, a dataset in memory and a checked plan, this compiles the graph with the
 * run's seed, checks the backend's training kernels, builds the optimizer, restores a
 * checkpoint if the host has one, takes the run's images (limit, validation split), emits
 * `started` and runs `trainLoop` (with training-health samples on some batches). Files,
 * backend choice and failure reporting stay with the host. Runs anywhere: it gets `tf`, the images and every I/O step passed in.
 */
import { assertTrainingKernels } from '../backends/kernel-check';
import { compileGraph } from '../compile/compile';
import { limitIndices, splitValidation } from '../datasets/image-set';
import type { ImageSet } from '../datasets/types';
import type { GraphDocument, Shape, TrainingSettings } from '../graph/document';
import type { GraphAnalysis } from '../graph/types';
import type { BackendInfo, DatasetInfo, EpochMetrics, RunEvent } from '../protocol/api';
import type { RunControl } from './control';
import { TrainingError } from './failures';
import { LayerHealthMonitor } from './layer-health';
import { createOptimizer, type TrainingOptimizer } from './optimizer';
import { createRandom, withRandom } from './seeded-random';
import {
  batchesPerEpoch,
  trainLoop,
  type TrainingData,
  type TrainLoopOptions,
  type TrainLoopOutcome,
} from './trainer';
import type { Tf, tfjs } from './tf-types';

/** What the host's checks found out about the graph (preflight's `RunPlan`, structurally). */
export interface JobPlan {
  analysis: Pick<GraphAnalysis, 'totals'>;
  inputShape: Shape;
  classCount: number;
  outputIsProbabilities: boolean;
  paramCount: number;
}

/** Where a run continues from (a restored checkpoint). */
export interface ResumePoint {
  epochsDone: number;
  history: EpochMetrics[];
}

/** What `trainCompiledJob` itself gives `trainLoop`. */
type LoopOptionsSetHere =
  | 'runId'
  | 'tf'
  | 'model'
  | 'optimizer'
  | 'settings'
  | 'data'
  | 'classCount'
  | 'outputIsProbabilities'
  | 'target'
  | 'control'
  | 'emit'
  | 'random'
  | 'startEpoch'
  | 'history'
  | 'onEpochEnd'
  | 'paramCount'
  | 'backendName'
  | 'health';

export interface CompiledJobOptions {
  runId: string;
  tf: Tf;
  /** The backend `tf` runs on, for the `started` event. */
  backend: BackendInfo;
  graph: GraphDocument;
  settings: TrainingSettings;
  /** Train on at most this many images (a seeded subset) and a proportional test subset. */
  limit: number | null;
  dataset: { info: DatasetInfo; train: ImageSet; test: ImageSet };
  plan: JobPlan;
  control: RunControl;
  emit: (event: RunEvent) => void;
  /** Loop options the host passes through as they are (batch event interval, memory estimate). */
  loop?: Partial<Omit<TrainLoopOptions, LoopOptionsSetHere>>;
  /** Loads a checkpoint into the fresh model and optimizer; `null` to start at epoch 1. */
  restore?: (model: tfjs.LayersModel, optimizer: TrainingOptimizer) => Promise<ResumePoint | null>;
  /** After each epoch's evaluation (write a checkpoint here). */
  onEpochEnd?: (
    model: tfjs.LayersModel,
    optimizer: TrainingOptimizer,
    epochsDone: number,
    history: EpochMetrics[],
  ) => Promise<void>;
  /** Sample per-layer training health (`health` events, layer-health.ts); default true. */
  health?: boolean;
  /** With the trained model, before it is disposed (keep the final weights here). */
  onTrained?: (model: tfjs.LayersModel, outcome: TrainLoopOutcome) => Promise<void>;
}

/**
 * Compiles, checks kernels, restores, trains; the model and optimizer are disposed before it
 * returns. Throws (TrainingError or whatever failed) for the host to explain and report.
 */
export async function trainCompiledJob(options: CompiledJobOptions): Promise<TrainLoopOutcome> {
  const { tf, settings, plan, runId } = options;
  let model: tfjs.LayersModel | null = null;
  let optimizer: TrainingOptimizer | null = null;
  try {
    const compiled = withRandom(createRandom(settings.seed), () => compileGraph(tf, options.graph));
    model = compiled;
    try {
      assertTrainingKernels(tf, compiled);
    } catch (error) {
      // Already names the kernel (or the undifferentiable layer) and what to do.
      throw new TrainingError((error as Error).message);
    }
    const trainedOptimizer = createOptimizer(tf, settings);
    optimizer = trainedOptimizer;
    const resumePoint = (await options.restore?.(compiled, trainedOptimizer)) ?? null;
    const startEpoch = resumePoint?.epochsDone ?? 0;
    if (startEpoch >= settings.epochs) {
      throw new TrainingError(
        `the checkpoint has already trained ${startEpoch} epochs, and this run has ${settings.epochs}: set more epochs to train further`,
      );
    }
    const { train, test } = options.dataset;
    const data = subsetData(train, test, options.limit, settings.seed, settings.validationSplit);
    const perEpoch = batchesPerEpoch(data.trainIndices?.length ?? train.count, settings.batchSize);
    options.emit({
      kind: 'started',
      runId,
      backend: options.backend,
      dataset: options.dataset.info,
      totalBatches: perEpoch * settings.epochs,
      epochs: settings.epochs,
      summary: plan.analysis.totals,
    });
    const outcome = await trainLoop({
      ...options.loop,
      runId,
      tf,
      model: compiled,
      optimizer: trainedOptimizer,
      settings,
      data,
      classCount: plan.classCount,
      outputIsProbabilities: plan.outputIsProbabilities,
      target: plan.inputShape,
      control: options.control,
      emit: options.emit,
      random: createRandom(settings.seed + 1),
      startEpoch,
      history: resumePoint?.history ?? [],
      paramCount: plan.paramCount,
      backendName: options.backend.name,
      health: options.health === false ? null : LayerHealthMonitor.create(tf, compiled, options.graph),
      onEpochEnd: async (epochsDone, history) => {
        await options.onEpochEnd?.(compiled, trainedOptimizer, epochsDone, history);
      },
    });
    await options.onTrained?.(compiled, outcome);
    return outcome;
  } finally {
    optimizer?.dispose();
    model?.dispose();
  }
}

/**
 * The images of a run: all of them, or with `limit` a seeded random subset of `limit`
 * training images and a proportional number of test images (at least one); with
 * `validationFraction > 0`, that share of the training images is held out for validation.
 */
export function subsetData(
  train: ImageSet,
  test: ImageSet,
  limit: number | null,
  seed: number,
  validationFraction = 0,
): TrainingData {
  const data: TrainingData = { train, test };
  if (limit !== null && limit < train.count) {
    if (!(limit >= 1)) throw new TrainingError(`limit must be at least 1 image, got ${limit}`);
    const testCount = Math.min(test.count, Math.max(1, Math.round((limit * test.count) / train.count)));
    data.trainIndices = limitIndices(train, limit, seed);
    data.testIndices = limitIndices(test, testCount, seed + 1);
  }
  if (validationFraction > 0) {
    if (!(validationFraction < 1))
      throw new TrainingError(`the validation split must be below 1, got ${validationFraction}`);
    const pool = data.trainIndices;
    // Split positions 0…n-1 of the pool, then map them to image indices.
    const split = splitValidation(
      { ...train, count: pool?.length ?? train.count },
      validationFraction,
      seed + 2,
    );
    const toImages = (positions: Uint32Array) => (pool ? positions.map((p) => pool[p]) : positions);
    data.trainIndices = toImages(split.train);
    data.validationIndices = toImages(split.validation);
    if (data.trainIndices.length === 0 || data.validationIndices.length === 0) {
      throw new TrainingError(
        `a validation split of ${validationFraction} of ${pool?.length ?? train.count} images leaves no images to ${data.trainIndices.length === 0 ? 'train on' : 'validate on'}`,
      );
    }
  }
  return data;
}
