/**
 * A training job from start to finish in Node, independent of how it is hosted (worker
 * thread, CLI, tests): check the settings, folders, graph, dataset and memory, choose the
 * backend, then hand over to the runs-anywhere `trainCompiledJob` (compile, restore, train)
 * with this host's files: checkpoints each epoch and the final model. Reports through `emit`.
 * It never throws: failures end as a `failed` event with a message for people.
 */
import { selectBackend } from '../backends/select';
import { openDataset } from '../datasets/index';
import type { GraphDocument, TrainingSettings } from '../graph/document';
import type { EpochMetrics, LogEvent, RunEvent, RunResult } from '../protocol/api';
import { assertCheckpointDir, restoreCheckpoint, writeCheckpoint } from './checkpoint';
import { RunControl } from './control';
import { explainFailure, TrainingError } from './failures';
import { estimateStepMemory, type MemoryEstimate } from './memory';
import { memoryBudget } from './memory-budget';
import { checkMemory, checkRunnable, checkSettings } from './preflight';
import { MODEL_DIR_RULES, writeModelFiles } from './model-files';
import { trainCompiledJob } from './train-job';
import { assertReplaceable, replaceDirAtomic } from './atomic-fs';
import { loadInitialWeights } from './initial-weights';

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
  /**
   * A new run starts from the weights of this model folder (fine-tuning imported weights):
   * matched by layer name and shape, the rest start fresh. Ignored when resuming.
   */
  initialWeightsDir?: string | null;
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
    const outcome = await trainCompiledJob({
      runId,
      tf,
      backend,
      graph: job.graph,
      settings,
      limit: job.limit ?? null,
      dataset,
      plan,
      control,
      emit,
      loop: {
        memory,
        ...(job.batchEventIntervalMs !== undefined ? { batchEventIntervalMs: job.batchEventIntervalMs } : {}),
      },
      restore: async (model, optimizer) => {
        if (!job.resumeFrom) {
          if (job.initialWeightsDir) {
            const { loaded, fresh } = await loadInitialWeights(tf, model, job.initialWeightsDir);
            const freshText = fresh.length
              ? `; ${fresh.length} start fresh: ${fresh.slice(0, 5).join(', ')}${fresh.length > 5 ? ', …' : ''}`
              : '';
            log('info', `starting from the weights in ${job.initialWeightsDir}: ${loaded} set${freshText}`);
          }
          return null;
        }
        const state = await restoreCheckpoint(tf, job.resumeFrom, { model, optimizer });
        if (state.epochsDone >= settings.epochs) {
          throw new TrainingError(
            `the checkpoint in ${job.resumeFrom} has already trained ${state.epochsDone} epochs, and this run has ${settings.epochs}: set more epochs to train further`,
          );
        }
        log('info', `resuming from ${job.resumeFrom} at epoch ${state.epochsDone + 1}`);
        return state;
      },
      onEpochEnd: async (model, optimizer, epochsDone, history) => {
        if (!job.checkpointDir) return;
        await writeCheckpoint(tf, job.checkpointDir, {
          model,
          optimizer,
          info: {
            epochsDone,
            history,
            graph: job.graph,
            training: settings,
            datasetId: dataset.info.id,
            limit: job.limit ?? null,
          },
        });
      },
      onTrained: async (model) => {
        if (!job.finalModelDir) return;
        await replaceDirAtomic(job.finalModelDir, MODEL_DIR_RULES, (dir) => writeModelFiles(tf, model, dir));
      },
    });
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
  }
}
