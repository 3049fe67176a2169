/**
 * A training job from start to finish, independent of how it is hosted (worker thread, CLI,
 * tests): check the graph and dataset, choose the backend, compile, restore a checkpoint if
 * asked, train, checkpoint each epoch, keep the final model, and report through `emit`.
 * It never throws: failures end as a `failed` event with a message for people.
 */
import { selectBackend } from '../backends/select';
import { assertTrainingKernels } from '../backends/kernel-check';
import { compileGraph } from '../compile/compile';
import { limitIndices, openDataset, splitValidation } from '../datasets/index';
import type { GraphDocument, TrainingSettings } from '../graph/document';
import type { EpochMetrics, LogEvent, RunEvent, RunResult } from '../protocol/api';
import { assertCheckpointDir, restoreCheckpoint, writeCheckpoint } from './checkpoint';
import { RunControl } from './control';
import { explainFailure, TrainingError } from './failures';
import { createOptimizer, type TrainingOptimizer } from './optimizer';
import { estimateStepMemory, type MemoryEstimate } from './memory';
import { memoryBudget } from './memory-budget';
import { checkMemory, checkRunnable, checkSettings } from './preflight';
import { createRandom, withRandom } from './seeded-random';
import { MODEL_DIR_RULES, writeModelFiles } from './model-files';
import { batchesPerEpoch, trainLoop, type TrainingData } from './trainer';
import type { tfjs } from './tf-types';
import { assertReplaceable, replaceDirAtomic } from './atomic-fs';

/** Everything that defines one training job. Plain JSON (it crosses the worker boundary). */
export interface TrainingJob {
  runId: string;
  graph: GraphDocument;
  training: TrainingSettings;
  /** Train on at most this many images (a seeded random subset) and a proportional test subset. */
  limit?: number | null;
  /** Write a checkpoint here after every epoch. */
  checkpointDir?: string | null;
  /** Continue from the checkpoint in this directory, at its next epoch. */
  resumeFrom?: string | null;
  /** Save the trained model here (tfjs files) when the run ends. */
  finalModelDir?: string | null;
  /** Force a backend by name (otherwise `CNN_STUDIO_BACKEND` or the automatic choice). */
  backend?: string | null;
  /** Minimum milliseconds between batch events. */
  batchEventIntervalMs?: number;
}

export interface RunnerOptions {
  dataDir: string;
  emit: (event: RunEvent) => void;
  log?: (event: LogEvent) => void;
  control?: RunControl;
}

export type JobOutcome =
  | { status: 'done' | 'stopped'; result: RunResult; history: EpochMetrics[]; backend: string }
  | { status: 'failed'; message: string };

/** Runs `job` to the end (or until `control` stops it). */
export async function runTrainingJob(job: TrainingJob, options: RunnerOptions): Promise<JobOutcome> {
  const { emit, runId } = { emit: options.emit, runId: job.runId };
  const control = options.control ?? new RunControl();
  const log = (level: LogEvent['level'], message: string) => options.log?.({ level, message });
  let model: tfjs.LayersModel | null = null;
  let optimizer: TrainingOptimizer | null = null;
  let paramCount = 0;
  let memory: MemoryEstimate | undefined;
  try {
    const settings = job.training;
    checkSettings(settings);
    // Refuse a folder we may not write now, not after the first epoch or at the very end.
    if (job.checkpointDir) await assertCheckpointDir(job.checkpointDir);
    if (job.finalModelDir) await assertReplaceable(job.finalModelDir, MODEL_DIR_RULES);
    const dataset = await openDataset(settings.dataset, { dataDir: options.dataDir });
    const plan = checkRunnable(job.graph, dataset.info);
    paramCount = plan.paramCount;
    memory = estimateStepMemory(plan.analysis, settings, memoryBudget());
    checkMemory(memory);
    const { tf, info: backend } = await selectBackend({
      ...(job.backend ? { force: job.backend } : {}),
      log: (message: string) => log('info', message),
    });
    const initRandom = createRandom(settings.seed);
    const trainedModel: tfjs.LayersModel = withRandom(initRandom, () => compileGraph(tf, job.graph));
    model = trainedModel;
    try {
      assertTrainingKernels(tf, trainedModel);
    } catch (error) {
      // Already names the kernel (or the undifferentiable layer) and what to do.
      throw new TrainingError((error as Error).message);
    }
    const trainedOptimizer = createOptimizer(tf, settings);
    optimizer = trainedOptimizer;

    let startEpoch = 0;
    let history: EpochMetrics[] = [];
    if (job.resumeFrom) {
      const state = await restoreCheckpoint(tf, job.resumeFrom, {
        model: trainedModel,
        optimizer: trainedOptimizer,
      });
      startEpoch = state.epochsDone;
      history = state.history;
      if (startEpoch >= settings.epochs) {
        throw new TrainingError(
          `the checkpoint in ${job.resumeFrom} has already trained ${startEpoch} epochs, and this run has ${settings.epochs}: set more epochs to train further`,
        );
      }
      log('info', `resuming from ${job.resumeFrom} at epoch ${startEpoch + 1}`);
    }

    const data = subsetData(
      dataset.train,
      dataset.test,
      job.limit ?? null,
      settings.seed,
      settings.validationSplit,
    );
    const perEpoch = batchesPerEpoch(data.trainIndices?.length ?? data.train.count, settings.batchSize);
    emit({
      kind: 'started',
      runId,
      backend,
      dataset: dataset.info,
      totalBatches: perEpoch * settings.epochs,
      epochs: settings.epochs,
      summary: plan.analysis.totals,
    });
    const outcome = await trainLoop({
      runId,
      tf,
      model: trainedModel,
      optimizer: trainedOptimizer,
      settings,
      data,
      classCount: plan.classCount,
      outputIsProbabilities: plan.outputIsProbabilities,
      target: plan.inputShape,
      control,
      emit,
      random: createRandom(settings.seed + 1),
      startEpoch,
      history,
      paramCount,
      memory,
      backendName: backend.name,
      ...(job.batchEventIntervalMs !== undefined ? { batchEventIntervalMs: job.batchEventIntervalMs } : {}),
      onEpochEnd: async (epochsDone, epochs) => {
        if (!job.checkpointDir) return;
        await writeCheckpoint(tf, job.checkpointDir, {
          model: trainedModel,
          optimizer: trainedOptimizer,
          info: {
            epochsDone,
            history: epochs,
            graph: job.graph,
            training: settings,
            datasetId: dataset.info.id,
            limit: job.limit ?? null,
          },
        });
      },
    });
    if (job.finalModelDir) {
      await replaceDirAtomic(job.finalModelDir, MODEL_DIR_RULES, (dir) =>
        writeModelFiles(tf, trainedModel, dir),
      );
    }
    emit({ kind: 'done', runId, stopped: outcome.stopped, result: outcome.result });
    return {
      status: outcome.stopped ? 'stopped' : 'done',
      result: outcome.result,
      history: outcome.history,
      backend: backend.name,
    };
  } catch (error) {
    const message = explainFailure(error, {
      batchSize: job.training.batchSize,
      paramCount,
      ...(memory ? { memory } : {}),
    });
    emit({ kind: 'failed', runId, message });
    return { status: 'failed', message };
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
  train: TrainingData['train'],
  test: TrainingData['test'],
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
