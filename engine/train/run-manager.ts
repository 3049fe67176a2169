/**
 * The run manager: starts training runs (each in its own worker_thread by default), relays
 * their events, keeps every run's record on disk so runs survive restarts, marks crashed runs
 * failed with their history kept, and serves predictions from trained runs.
 *
 * @example
 * const runs = createRunManager({ dataDir, emit: (event) => broadcast('run', event) });
 * const { runId } = await runs.start({ graph, training: graph.training });
 * await runs.pause(runId);
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { selectBackend } from '../backends/select';
import { listDatasets, openDataset } from '../datasets/index';
import type {
  DatasetInfo,
  LogEvent,
  MisclassifiedExample,
  ClassActivations,
  ConfusionCellPage,
  Prediction,
  RunEvent,
  RunRecord,
  SampleImage,
  StartRunRequest,
  WindowBackendName,
} from '../protocol/api';
import { keepHealthSample } from '../protocol/layer-health';
import { readableDir } from './atomic-fs';
import { readCheckpointState } from './checkpoint';
import type { JobHandle, JobLauncher, JobMessage } from './job-messages';
import { workerLauncher } from './launchers';
import { perClassAccuracy } from './metrics';
import { MODEL_FILE } from './model-files';
import { loadPredictor, type Predictor } from './predictor';
import { cellPage, classifyTestCells, type TestCells } from './confusion-cells';
import { estimateStepMemory } from './memory';
import { memoryBudget } from './memory-budget';
import { checkMemory, checkRunnable, checkSettings } from './preflight';
import { describeOverrides, resumeSettings } from './resume';
import { deleteRunFiles, loadRunRecords, newRunId, runPaths, saveRunRecord } from './run-store';
import type { TrainingJob } from './runner';

export interface RunManagerOptions {
  dataDir: string;
  emit: (event: RunEvent) => void;
  log?: (event: LogEvent) => void;
  /** How jobs run; default: one worker_thread per run (dist/engine/train-worker.mjs). */
  launcher?: JobLauncher;
  /**
   * Picks the launcher of each run (its engine: tfjs, PyTorch); may throw to refuse the run
   * before anything starts. Default: `launcher` for every run.
   */
  chooseLauncher?: (request: StartRunRequest, resumed: RunRecord | null) => Promise<JobLauncher>;
  /** Minimum milliseconds between batch events; default 50 (≤ 20 per second). */
  batchEventIntervalMs?: number;
}

/** Where a run trains when it is not the manager's own choice (a window run). */
export interface StartPlacement {
  /** Runs the job (a window run's launcher relays an editor window's worker). */
  launcher: JobLauncher;
  /** Recorded on the run, so Resume sends it back to a window. */
  windowBackend?: WindowBackendName;
}

export interface RunManager {
  /** Starts (or resumes) a run; `placement` overrides where it trains. */
  start(request: StartRunRequest, placement?: StartPlacement): Promise<{ runId: string }>;
  stop(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  list(): Promise<RunRecord[]>;
  get(id: string): Promise<RunRecord>;
  delete(id: string): Promise<void>;
  predict(id: string, image: SampleImage): Promise<Prediction>;
  misclassified(id: string, count: number): Promise<MisclassifiedExample[]>;
  confusionCell(
    id: string,
    trueClass: number,
    predictedClass: number,
    offset: number,
    count: number,
  ): Promise<ConfusionCellPage>;
  classActivations(id: string, images: SampleImage[], classes?: number[]): Promise<ClassActivations>;
  /** See EngineApi.evaluateRun: the result of a finished run that has weights but none, saved. */
  evaluate(id: string): Promise<RunRecord>;
  /** The final model of a finished (or stopped) run as tfjs files, or null if it has none. */
  modelArtifactsDir(id: string): string | null;
  /**
   * Registers a finished run whose model files are already in place (imported weights,
   * engine/host/import-model.ts): listed, predicted with and exported like any run.
   */
  adopt(record: RunRecord): Promise<void>;
  /** Resolves when run `id` is no longer active (for tests and shutdown). */
  whenSettled(id: string): Promise<void>;
  dispose(): Promise<void>;
}

interface ActiveRun {
  handle: JobHandle;
  settled: Promise<void>;
}

interface CachedPredictor {
  source: string;
  savedAt: string;
  predictor: Predictor;
  /** The test images classified by this predictor, by confusion cell (on first use). */
  testCells?: Promise<TestCells>;
}

const INTERRUPTED = 'the engine stopped while this run was in progress';

/** Training images `evaluate` measures train loss and accuracy on (all of a smaller set). */
const TRAIN_SAMPLE = 10_000;

/** At most `count` indices of `0 … total − 1`, evenly spaced (all of them when `total ≤ count`). */
function evenlySpaced(total: number, count: number): Uint32Array {
  const n = Math.min(total, count);
  return Uint32Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));
}

export function createRunManager(options: RunManagerOptions): RunManager {
  const { dataDir } = options;
  const defaultLauncher = options.launcher ?? workerLauncher();
  const chooseLauncher = options.chooseLauncher ?? (async () => defaultLauncher);
  const records = new Map<string, RunRecord>();
  const active = new Map<string, ActiveRun>();
  const writes = new Map<string, Promise<void>>();
  const predictors = new Map<string, CachedPredictor>();
  const log = (level: LogEvent['level'], message: string) => options.log?.({ level, message });

  const ready = (async () => {
    for (const record of await loadRunRecords(dataDir, (message) => log('warn', message))) {
      if (record.status === 'running' || record.status === 'paused') {
        record.status = 'failed';
        record.error = INTERRUPTED;
        record.resumable = await hasCheckpoint(record.id);
        persist(record);
      }
      records.set(record.id, record);
    }
  })();

  /** Whether run `id` has a checkpoint to resume from; a damaged one is reported and counts as none. */
  async function hasCheckpoint(id: string): Promise<boolean> {
    try {
      return (await readCheckpointState(runPaths(dataDir, id).checkpoint)) !== null;
    } catch (error) {
      log('warn', `run ${id} cannot be resumed: ${(error as Error).message}`);
      return false;
    }
  }

  /** Writes a record; writes of one run are chained so the last state wins. */
  function persist(record: RunRecord): Promise<void> {
    const snapshot = structuredClone(record);
    const previous = writes.get(record.id) ?? Promise.resolve();
    const next = previous
      .then(() => saveRunRecord(dataDir, snapshot))
      .catch((error: unknown) =>
        log('error', `could not save run ${record.id}: ${(error as Error).message}`),
      );
    writes.set(record.id, next);
    return next;
  }

  /** The saved model of run `id` that a new run starts from (imported weights, fine-tuning). */
  async function initialWeightsDir(id: string): Promise<string> {
    await requireRecord(id);
    const dir = runPaths(dataDir, id).model;
    if (!(await readableDir(dir))) throw new Error(`run '${id}' has no saved model to start from`);
    return dir;
  }

  async function requireRecord(id: string): Promise<RunRecord> {
    await ready;
    const record = records.get(id);
    if (!record) throw new Error(`no run with id '${id}'`);
    return record;
  }

  async function datasetInfo(id: string): Promise<DatasetInfo> {
    const all = await listDatasets({ dataDir });
    const info = all.find((dataset) => dataset.id === id);
    if (!info) throw new Error(`unknown dataset '${id}'; known datasets: ${all.map((d) => d.id).join(', ')}`);
    return info;
  }

  function apply(record: RunRecord, event: RunEvent): void {
    switch (event.kind) {
      case 'started':
        record.backend = event.backend;
        record.status = 'running';
        break;
      case 'epoch': {
        const { kind: _kind, runId: _runId, ...metrics } = event;
        record.epochs = [...record.epochs.filter((e) => e.epoch < metrics.epoch), metrics];
        record.resumable = true;
        break;
      }
      case 'paused':
        record.status = 'paused';
        break;
      case 'resumed':
        record.status = 'running';
        break;
      case 'done':
        record.status = event.stopped ? 'stopped' : 'done';
        record.result = event.result;
        record.error = null;
        break;
      case 'failed':
        record.status = 'failed';
        record.error = event.message;
        break;
      case 'batch':
        return; // not persisted: too frequent, and the epoch events carry the history
      case 'health': {
        // Kept (thinned out) and written with the next epoch or end of the run.
        const { kind: _kind, runId: _runId, ...sample } = event;
        record.health = keepHealthSample(record.health ?? [], sample);
        return;
      }
    }
    void persist(record);
  }

  function launch(record: RunRecord, job: TrainingJob, launcher: JobLauncher): void {
    let resolveSettled!: () => void;
    const settled = new Promise<void>((resolve) => (resolveSettled = resolve));
    const onMessage = (message: JobMessage) => {
      if (message.type === 'log') {
        options.log?.(message.event);
      } else if (message.type === 'event') {
        apply(record, message.event);
        options.emit(message.event);
      }
    };
    const onExit = (crashed: string | null) => {
      active.delete(record.id);
      if (crashed && (record.status === 'running' || record.status === 'paused')) {
        const event: RunEvent = { kind: 'failed', runId: record.id, message: crashed };
        apply(record, event);
        options.emit(event);
      }
      void (writes.get(record.id) ?? Promise.resolve()).then(resolveSettled);
    };
    const handle = launcher({ job, dataDir }, onMessage, onExit);
    active.set(record.id, { handle, settled });
  }

  async function control(id: string, type: 'stop' | 'pause' | 'resume'): Promise<void> {
    await requireRecord(id);
    const run = active.get(id);
    if (!run) throw new Error(`run '${id}' is not running`);
    run.handle.send({ type });
  }

  async function predictorFor(id: string): Promise<{ predictor: Predictor; record: RunRecord }> {
    const record = await requireRecord(id);
    const paths = runPaths(dataDir, id);
    const source = (await readableDir(paths.model)) ?? (await readableDir(paths.checkpoint));
    if (!source) throw new Error(`run '${id}' has no trained weights yet: no epoch has finished`);
    const savedAt = String((await stat(join(source, MODEL_FILE))).mtimeMs);
    const cached = predictors.get(id);
    if (cached && cached.source === source && cached.savedAt === savedAt)
      return { predictor: cached.predictor, record };
    cached?.predictor.dispose();
    predictors.delete(id);
    const plan = checkRunnable(record.graph, await datasetInfo(record.datasetId));
    const { tf } = await selectBackend({ log: (message: string) => log('info', message) });
    const predictor = await loadPredictor(tf, record.graph, plan, source);
    predictors.set(id, { source, savedAt, predictor });
    return { predictor, record };
  }

  return {
    async start(request, placement) {
      await ready;
      const resumed = request.resumeFrom ? await requireRecord(request.resumeFrom) : null;
      if (resumed && active.has(resumed.id)) {
        // A run that has reported its end may still be shutting its worker down: wait for that.
        const ending = resumed.status !== 'running' && resumed.status !== 'paused';
        if (!ending) throw new Error(`run '${resumed.id}' is still running`);
        await Promise.race([active.get(resumed.id)!.settled, delay(10_000)]);
        if (active.has(resumed.id))
          throw new Error(`run '${resumed.id}' is still shutting down; try again in a moment`);
      }
      const graph = resumed ? resumed.graph : request.graph;
      let training = request.training;
      let limit = request.limit ?? null;
      if (resumed) {
        // Throws a CheckpointError naming the file when the checkpoint is damaged.
        const state = await readCheckpointState(runPaths(dataDir, resumed.id).checkpoint);
        if (!state) throw new Error(`run '${resumed.id}' has no checkpoint to resume from`);
        // The run continues as it was; what the request changes is an override, and logged.
        const settings = resumeSettings(state, { training: request.training, limit: request.limit });
        ({ training, limit } = settings);
        log(
          'info',
          `resuming run ${resumed.id} at epoch ${state.epochsDone + 1}: ${describeOverrides(settings.overridden)}`,
        );
      }
      // Fails here, before any worker starts: bad settings, invalid graph, class-count mismatch,
      // a step that would not fit in memory.
      checkSettings(training);
      const plan = checkRunnable(graph, await datasetInfo(training.dataset));
      checkMemory(estimateStepMemory(plan.analysis, training, memoryBudget()));
      // Fine-tuning saved (imported) weights: the tfjs engine reads them, so it trains there.
      const startWeights =
        !resumed && request.initialWeights ? await initialWeightsDir(request.initialWeights) : null;
      if (startWeights && request.engine && request.engine !== 'tfjs')
        log('info', `starting from run ${request.initialWeights}'s weights: training on the tfjs engine`);
      const launcher =
        placement?.launcher ??
        (await chooseLauncher(startWeights ? { ...request, engine: 'tfjs' } : request, resumed));
      let record: RunRecord;
      if (resumed) {
        record = resumed;
        Object.assign(record, { status: 'running', training, error: null, result: null });
        // Resumed in a window or in the engine: the record says where it trains now.
        if (placement?.windowBackend) record.windowBackend = placement.windowBackend;
        else delete record.windowBackend;
      } else {
        const id = newRunId();
        record = {
          id,
          name: `${graph.name} on ${training.dataset}`,
          startedAt: new Date().toISOString(),
          status: 'running',
          graph,
          training,
          datasetId: training.dataset,
          backend: null,
          epochs: [],
          result: null,
          error: null,
          resumable: false,
          ...(placement?.windowBackend ? { windowBackend: placement.windowBackend } : {}),
        };
        records.set(id, record);
      }
      await persist(record);
      const paths = runPaths(dataDir, record.id);
      launch(
        record,
        {
          runId: record.id,
          graph,
          training,
          limit,
          checkpointDir: paths.checkpoint,
          resumeFrom: resumed ? paths.checkpoint : null,
          ...(startWeights ? { initialWeightsDir: startWeights } : {}),
          finalModelDir: paths.model,
          ...(options.batchEventIntervalMs !== undefined
            ? { batchEventIntervalMs: options.batchEventIntervalMs }
            : {}),
        },
        launcher,
      );
      return { runId: record.id };
    },

    stop: (id) => control(id, 'stop'),
    pause: (id) => control(id, 'pause'),
    resume: (id) => control(id, 'resume'),

    async list() {
      await ready;
      return [...records.values()].map((record) => structuredClone(record));
    },

    async get(id) {
      return structuredClone(await requireRecord(id));
    },

    async delete(id) {
      await requireRecord(id);
      const run = active.get(id);
      if (run) {
        await run.handle.kill();
        await run.settled;
      }
      predictors.get(id)?.predictor.dispose();
      predictors.delete(id);
      records.delete(id);
      await writes.get(id);
      writes.delete(id);
      await deleteRunFiles(dataDir, id);
    },

    async predict(id, image) {
      const { predictor, record } = await predictorFor(id);
      const probabilities = await predictor.probabilities(image);
      const predictedClass = probabilities.reduce((best, p, i) => (p > probabilities[best] ? i : best), 0);
      const classNames = (await datasetInfo(record.datasetId)).classNames;
      return { probabilities, predictedClass, classNames };
    },

    async evaluate(id) {
      const record = await requireRecord(id);
      if (record.result) return structuredClone(record);
      if (active.has(id) || record.status === 'running' || record.status === 'paused')
        throw new Error(`run '${id}' is still training: its result comes when it ends`);
      const { predictor } = await predictorFor(id);
      const dataset = await openDataset(record.datasetId, { dataDir });
      const classCount = dataset.info.classNames.length;
      const test = await predictor.evaluate(dataset.test, classCount);
      const train = await predictor.evaluate(
        dataset.train,
        classCount,
        evenlySpaced(dataset.train.count, TRAIN_SAMPLE),
      );
      const evaluated: RunRecord = {
        ...record,
        result: {
          testImages: test.count,
          trainLoss: train.loss,
          trainAccuracy: train.accuracy,
          testLoss: test.loss,
          testAccuracy: test.accuracy,
          confusion: test.confusion,
          perClassAccuracy: perClassAccuracy(test.confusion),
          // Nothing was trained here.
          imagesPerSecond: 0,
        },
      };
      records.set(id, structuredClone(evaluated));
      await persist(evaluated);
      return structuredClone(evaluated);
    },

    async misclassified(id, count) {
      const { predictor, record } = await predictorFor(id);
      const dataset = await openDataset(record.datasetId, { dataDir });
      return predictor.misclassified(dataset.test, count);
    },

    async confusionCell(id, trueClass, predictedClass, offset, count) {
      const { predictor, record } = await predictorFor(id);
      const cached = predictors.get(id)!;
      if (!cached.testCells) {
        const loading = openDataset(record.datasetId, { dataDir }).then(({ info, test }) =>
          classifyTestCells((set, indices) => predictor.classify(set, indices), test, {
            testImages: record.result?.testImages,
            seed: record.training.seed,
            classCount: record.result?.confusion.length ?? info.classNames.length,
          }),
        );
        cached.testCells = loading;
        loading.catch(() => cached.testCells === loading && delete cached.testCells);
      }
      return cellPage(await cached.testCells, trueClass, predictedClass, offset, count);
    },

    async classActivations(id, images, classes) {
      const { predictor } = await predictorFor(id);
      return predictor.classActivations(images, classes);
    },

    async adopt(record) {
      await ready;
      if (records.has(record.id)) throw new Error(`a run with id '${record.id}' exists already`);
      records.set(record.id, structuredClone(record));
      await persist(record);
    },

    modelArtifactsDir(id) {
      const dir = runPaths(dataDir, id).model;
      return existsSync(join(dir, MODEL_FILE)) ? dir : null;
    },

    async whenSettled(id) {
      await active.get(id)?.settled;
    },

    async dispose() {
      const running = [...active.values()];
      for (const run of running) run.handle.send({ type: 'stop' });
      await Promise.all(
        running.map((run) => Promise.race([run.settled, delay(5000).then(() => run.handle.kill())])),
      );
      for (const run of [...active.values()]) await run.handle.kill();
      for (const { predictor } of predictors.values()) predictor.dispose();
      predictors.clear();
      await Promise.all(writes.values());
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
