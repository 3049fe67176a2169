/**
 * Runs an editor window trains (WebGPU/WebGL in its worker), kept by the engine like any
 * other: the run manager starts them — same checks, record, resume rules — with a launcher
 * whose "job" is the window. The window reports over its engine connection: events (applied
 * to the record and sent to every editor), a checkpoint each epoch and the final weights
 * (written here in the engine's formats), and a heartbeat. A window that stops calling —
 * closed, reloaded, crashed, offline — ends its run as stopped, resumable from its last
 * checkpoint; the run is never left "running".
 *
 * @example
 * const windows = createWindowRuns({ runs, log });
 * const { runId, training, checkpoint } = await windows.start({ graph, training, backend: 'webgl' });
 * await windows.event(runId, startedEvent);
 */
import type {
  EpochMetrics,
  ModelWeightFiles,
  RunEvent,
  RunResult,
  WindowCheckpoint,
  WindowRunCommands,
  WindowRunRequest,
  WindowRunStart,
} from '../protocol/api';
import { EngineError, RpcErrorName } from '../protocol/errors';
import { replaceDirAtomic } from '../train/atomic-fs';
import { checkModelContents, readCheckpointContents, writeCheckpointContents } from '../train/checkpoint';
import type { JobCommand, JobLauncher, JobMessage } from '../train/job-messages';
import { MODEL_DIR_RULES, writeModelFileContents } from '../train/model-files';
import type { TrainingJob } from '../train/runner';
import type { RunManager } from '../train/run-manager';

/** The run manager as window runs use it. */
export type WindowRunManager = Pick<RunManager, 'start'>;

export interface WindowRunsOptions {
  runs: () => Promise<WindowRunManager>;
  log: (level: 'info' | 'warn', message: string) => void;
  /** How often a window calls `heartbeat` (ms); default 2000. */
  heartbeatMs?: number;
  /** A run whose window was silent this long (ms) ends as stopped; default 5 heartbeats. */
  silenceMs?: number;
}

export interface WindowRuns {
  start(request: WindowRunRequest): Promise<WindowRunStart>;
  event(runId: string, event: RunEvent): Promise<void>;
  heartbeat(runId: string): Promise<WindowRunCommands>;
  saveCheckpoint(runId: string, checkpoint: WindowCheckpoint): Promise<void>;
  saveModel(runId: string, model: ModelWeightFiles): Promise<void>;
  dispose(): void;
}

/** A window run the engine is waiting to hear from. */
interface LiveWindowRun {
  job: TrainingJob;
  datasetId: string;
  onMessage: (message: JobMessage) => void;
  onExit: (crashed: string | null) => void;
  commands: JobCommand[];
  lastHeard: number;
  /** The last finished epoch: a run whose window went away keeps it as its result. */
  lastEpoch: EpochMetrics | null;
}

const SILENT = 'the window training it was closed or reloaded';

export function createWindowRuns(options: WindowRunsOptions): WindowRuns {
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const silenceMs = options.silenceMs ?? heartbeatMs * 5;
  const live = new Map<string, LiveWindowRun>();

  function requireLive(runId: string): LiveWindowRun {
    const run = live.get(runId);
    if (!run)
      throw new EngineError(
        'UnknownRun',
        `run '${runId}' is not training in a window (it ended, was deleted, or the engine restarted)`,
      );
    run.lastHeard = Date.now();
    return run;
  }

  /** The run is over for the manager (its last event was sent). */
  function finish(runId: string): void {
    const run = live.get(runId);
    if (!run) return;
    live.delete(runId);
    run.onExit(null);
  }

  function endSilent(runId: string, run: LiveWindowRun): void {
    options.log('info', `window run ${runId} stopped: ${SILENT}; resume it from its last checkpoint`);
    const event: RunEvent = { kind: 'done', runId, stopped: true, result: resultOf(run.lastEpoch) };
    run.onMessage({ type: 'event', event });
    finish(runId);
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [runId, run] of [...live]) if (now - run.lastHeard > silenceMs) endSilent(runId, run);
  }, heartbeatMs);
  sweep.unref?.();

  return {
    async start(request) {
      let started: LiveWindowRun | null = null;
      const launcher: JobLauncher = ({ job }, onMessage, onExit) => {
        started = {
          job,
          datasetId: job.training.dataset,
          onMessage,
          onExit,
          commands: [],
          lastHeard: Date.now(),
          lastEpoch: null,
        };
        live.set(job.runId, started);
        const self = started;
        return {
          send: (command) => self.commands.push(command),
          // Deleted while training: the window learns it at its next call and stops.
          kill: async () => finish(job.runId),
        };
      };
      const manager = await options.runs();
      const { runId } = await manager.start(
        {
          graph: request.graph,
          training: request.training,
          ...(request.limit !== undefined ? { limit: request.limit } : {}),
          ...(request.resumeFrom !== undefined ? { resumeFrom: request.resumeFrom } : {}),
        },
        { launcher, windowBackend: request.backend },
      );
      const run = started as LiveWindowRun | null;
      if (!run) throw new Error(`the run manager started run ${runId} without launching it`);
      const { job } = run;
      let checkpoint: WindowCheckpoint | null = null;
      if (job.resumeFrom) {
        const contents = await readCheckpointContents(job.resumeFrom);
        if (!contents) {
          finish(runId);
          throw new EngineError('NoCheckpoint', `run '${runId}' has no checkpoint to resume from`);
        }
        checkpoint = {
          epochsDone: contents.state.epochsDone,
          history: contents.state.history,
          modelJson: contents.model.modelJson,
          weights: Buffer.from(contents.model.weights).toString('base64'),
          optimizer: {
            name: contents.state.optimizer.name,
            specs: contents.state.optimizer.specs,
            data: Buffer.from(contents.optimizer).toString('base64'),
          },
        };
      }
      return {
        runId,
        graph: job.graph,
        training: job.training,
        limit: job.limit ?? null,
        checkpoint,
        heartbeatMs,
      };
    },

    async event(runId, event) {
      const run = requireLive(runId);
      if (event.runId !== runId)
        throw new EngineError(
          RpcErrorName.badArguments,
          `windowRunEvent: the event is for run '${event.runId}', not '${runId}'`,
        );
      if (event.kind === 'epoch') {
        const { kind: _kind, runId: _runId, ...metrics } = event;
        run.lastEpoch = metrics;
      }
      run.onMessage({ type: 'event', event });
      if (event.kind === 'done' || event.kind === 'failed') finish(runId);
    },

    async heartbeat(runId) {
      const run = requireLive(runId);
      return { commands: run.commands.splice(0).map((command) => command.type) };
    },

    async saveCheckpoint(runId, checkpoint) {
      const { job, datasetId } = requireLive(runId);
      if (!job.checkpointDir) return;
      await writeCheckpointContents(job.checkpointDir, {
        info: {
          epochsDone: checkpoint.epochsDone,
          history: checkpoint.history,
          graph: job.graph,
          training: job.training,
          datasetId,
          limit: job.limit ?? null,
        },
        model: { modelJson: checkpoint.modelJson, weights: fromBase64(checkpoint.weights) },
        optimizer: { ...checkpoint.optimizer, data: fromBase64(checkpoint.optimizer.data) },
      });
    },

    async saveModel(runId, model) {
      const { job } = requireLive(runId);
      if (!job.finalModelDir) return;
      const contents = { modelJson: model.modelJson, weights: fromBase64(model.weights) };
      checkModelContents(`the model of run ${runId}`, contents);
      await replaceDirAtomic(job.finalModelDir, MODEL_DIR_RULES, (dir) =>
        writeModelFileContents(dir, contents),
      );
    },

    dispose() {
      clearInterval(sweep);
    },
  };
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** A stopped run's result: its last finished epoch's metrics (none before the first ends). */
function resultOf(epoch: EpochMetrics | null): RunResult {
  return {
    trainLoss: epoch?.trainLoss ?? 0,
    trainAccuracy: epoch?.trainAccuracy ?? 0,
    testLoss: epoch?.testLoss ?? 0,
    testAccuracy: epoch?.testAccuracy ?? 0,
    confusion: [],
    perClassAccuracy: [],
    imagesPerSecond: 0,
  };
}
