/**
 * The engine host: implements EngineApi by composing the engine's modules (graph analysis,
 * presets, datasets, training runs, backends, export) and the project files. The same host
 * runs behind every transport: the Electron utility process, `cnn-studio serve`, tests.
 *
 * @example
 * ```ts
 * const host = createEngineHost({ dataDir: resolveDataDir() });
 * const stop = serveApi(transport, host);
 * ```
 */
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument } from '../graph/document';
import { loadGraphDocument } from '../graph/load';
import type { BackendInfo, EngineApi, EngineEvents, StartRunRequest } from '../protocol/api';
import { EngineError, RpcErrorName } from '../protocol/errors';
import type { EngineEventName } from '../protocol/rpc';
import { ListenerSet } from '../protocol/transport';
import {
  defaultModules,
  type DatasetsModule,
  type EngineModules,
  type RunManagerLike,
} from './engine-modules';
import { removeStaleTemporaries } from './atomic-file';
import { createProjectStore } from './projects';
import { createBlockLibrary } from './block-library';
import { createWindowRuns } from './window-runs';
import { datasetCacheParts } from './dataset-cache-bytes';

export type EngineEventListener = <E extends EngineEventName>(name: E, payload: EngineEvents[E]) => void;

export interface EngineHost {
  api: EngineApi;
  /** Listens to every engine event (run progress, logs); returns the remover. */
  onEvent(listener: EngineEventListener): () => void;
  /** Stops runs and releases resources. */
  dispose(): Promise<void>;
  /**
   * The temporary files killed writes had left in the data folder, removed at start
   * (see `removeStaleTemporaries`); settles once the sweep is done, never rejects.
   */
  readonly staleTemporariesRemoved: Promise<string[]>;
}

export interface EngineHostOptions {
  dataDir: string;
  /** Replaces engine modules (tests). */
  modules?: Partial<EngineModules>;
  /** The version `getInfo` reports. */
  version?: string;
}

/** Most sample images one call returns: enough for a gallery, small enough for one message. */
const MAX_SAMPLES = 1000;

export function createEngineHost(options: EngineHostOptions): EngineHost {
  const { dataDir } = options;
  const modules: EngineModules = { ...defaultModules, ...options.modules };
  const listeners = new ListenerSet<[EngineEventName, unknown]>();
  const emit = <E extends EngineEventName>(name: E, payload: EngineEvents[E]) =>
    listeners.emit(name, payload);
  const log = (level: 'info' | 'warn' | 'error', message: string) => emit('log', { level, message });
  const projects = createProjectStore({ dataDir, log: (message) => log('warn', message) });
  const blockLibrary = createBlockLibrary({ dataDir });
  // A save killed mid-write leaves its temporary file; the data folder is ours to tidy.
  const staleTemporariesRemoved = removeStaleTemporaries(dataDir).then(
    (removed) => {
      if (removed.length > 0)
        log('info', `removed ${removed.length} temporary file(s) left by interrupted saves`);
      return removed;
    },
    (error: unknown) => {
      log('warn', `could not look for leftover temporary files in ${dataDir}: ${String(error)}`);
      return [];
    },
  );

  let backend: BackendInfo | null = null;
  let runManager: Promise<RunManagerLike> | null = null;
  let openedDataset: { id: string; dataset: ReturnType<DatasetsModule['openDataset']> } | null = null;
  let disposed = false;

  const missing = (what: string): never => {
    throw new EngineError(RpcErrorName.notAvailable, `${what} is not available in this build of the engine.`);
  };

  const runs = (): Promise<RunManagerLike> => {
    if (disposed) throw new EngineError('EngineStopped', 'the engine is shutting down');
    const load = modules.runs ?? missing('Training');
    runManager ??= load().then((m) =>
      m.createRunManager({
        dataDir,
        emit: (event) => {
          if (event.kind === 'started') backend = event.backend;
          emit('run', event);
        },
        log: (event) => emit('log', event),
      }),
    );
    runManager.catch(() => (runManager = null)); // a failed load may succeed on the next try
    return runManager;
  };

  // Runs an editor window trains: the run manager keeps them; the window reports to it here.
  const windowRuns = createWindowRuns({ runs, log });

  const datasetsModule = () => modules.datasets();

  /** Opening a dataset reads all its images: keep the last one for repeated sample requests. */
  const openDataset = async (id: string) => {
    if (openedDataset?.id !== id) {
      const { openDataset: open } = await datasetsModule();
      openedDataset = { id, dataset: open(id, { dataDir }) };
      openedDataset.dataset.catch(() => (openedDataset = null));
    }
    return openedDataset.dataset;
  };

  /** The last dataset a window asked for, as its binary cache: its slices come one call at a time. */
  let encodedDataset: { id: string; bytes: Promise<Uint8Array> } | null = null;
  const datasetCache = (id: string): Promise<Uint8Array> => {
    if (encodedDataset?.id !== id) {
      const bytes = openDataset(id).then((dataset) => Buffer.concat(datasetCacheParts(dataset)));
      encodedDataset = { id, bytes };
      bytes.catch(() => (encodedDataset = null));
    }
    return encodedDataset.bytes;
  };

  const document = (value: unknown, what: string): GraphDocument => {
    try {
      return loadGraphDocument(value);
    } catch (error) {
      if (error instanceof Error) error.message = `${what}: ${error.message}`;
      throw error;
    }
  };

  const api: EngineApi = {
    async getInfo() {
      return { version: options.version ?? process.env.CNN_STUDIO_VERSION ?? 'dev', backend, dataDir };
    },
    async probeBackend() {
      const load = modules.backends ?? missing('Backend selection');
      const { selectBackend } = await load();
      const { info } = await selectBackend({ log: (message) => log('info', message) });
      backend = info;
      return info;
    },
    async probeEngines(refresh) {
      const { engineReport } = await import('../pytorch/doctor');
      const { choices, gpuAdvice } = await engineReport(refresh ? { refresh } : {});
      return { choices, gpuAdvice };
    },

    async analyze(graph) {
      return analyzeGraph(document(graph, 'graph'));
    },
    async listPresets() {
      return (await modules.presets()).listPresets();
    },
    async getPreset(id) {
      return (await modules.presets()).getPreset(id);
    },

    async listDatasets() {
      return (await datasetsModule()).listDatasets({ dataDir });
    },
    async getDatasetSamples(datasetId, count) {
      if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLES) {
        throw new EngineError(
          RpcErrorName.badArguments,
          `sample count must be a whole number from 1 to ${MAX_SAMPLES}, got ${count}`,
        );
      }
      const dataset = await openDataset(datasetId);
      // Test images when there are any (what Evaluate and Try an image show); a dataset
      // imported without a test set still shows what it holds.
      const source = dataset.test.count > 0 ? dataset.test : dataset.train;
      return (await datasetsModule()).sampleImages(source, count);
    },
    async datasetCacheChunk(datasetId, offset, length) {
      const bytes = await datasetCache(datasetId);
      if (offset > bytes.byteLength) {
        throw new EngineError(
          RpcErrorName.badArguments,
          `offset ${offset} is past the end of dataset '${datasetId}' (${bytes.byteLength} bytes)`,
        );
      }
      const slice = bytes.subarray(offset, Math.min(bytes.byteLength, offset + length));
      return { total: bytes.byteLength, base64: Buffer.from(slice).toString('base64') };
    },
    async importDataset(request) {
      if (typeof request.path !== 'string' || !['idx', 'folder', 'csv'].includes(request.kind)) {
        throw new EngineError(
          RpcErrorName.badArguments,
          `a dataset import needs kind 'idx', 'folder' or 'csv' and a path, got kind ${JSON.stringify(request.kind)}`,
        );
      }
      const info = await (await datasetsModule()).importDataset(request, { dataDir });
      if (openedDataset?.id === info.id) openedDataset = null; // re-imported: drop the stale copy
      if (encodedDataset?.id === info.id) encodedDataset = null;
      return info;
    },

    async startRun(request) {
      const checked: StartRunRequest = { ...request, graph: document(request.graph, 'run graph') };
      if (typeof request.training !== 'object' || request.training === null) {
        throw new EngineError(
          RpcErrorName.badArguments,
          'a run needs its training settings (request.training)',
        );
      }
      return (await runs()).start(checked);
    },
    async stopRun(runId) {
      await (await runs()).stop(runId);
    },
    async pauseRun(runId) {
      await (await runs()).pause(runId);
    },
    async resumeRun(runId) {
      await (await runs()).resume(runId);
    },
    async listRuns() {
      return (await runs()).list();
    },
    async getRun(runId) {
      const record = await (await runs()).get(runId);
      if (!record) throw new EngineError('UnknownRun', `no run with id '${runId}'`);
      return record;
    },
    async deleteRun(runId) {
      await (await runs()).delete(runId);
    },
    startWindowRun: (request) => windowRuns.start(request),
    windowRunEvent: (runId, event) => windowRuns.event(runId, event),
    windowRunHeartbeat: (runId) => windowRuns.heartbeat(runId),
    saveWindowCheckpoint: (runId, checkpoint) => windowRuns.saveCheckpoint(runId, checkpoint),
    saveWindowModel: (runId, model) => windowRuns.saveModel(runId, model),
    async predict(runId, image) {
      return (await runs()).predict(runId, image);
    },
    async evaluateRun(runId) {
      return (await runs()).evaluate(runId);
    },
    async misclassified(runId, count) {
      return (await runs()).misclassified(runId, count);
    },
    async confusionCell(runId, trueClass, predictedClass, offset, count) {
      return (await runs()).confusionCell(runId, trueClass, predictedClass, offset, count);
    },
    async classActivations(runId, images, classes) {
      return (await runs()).classActivations(runId, images, classes);
    },

    async exportModel(graph, target, runId) {
      const doc = document(graph, 'graph');
      if (target !== 'pytorch' && target !== 'keras' && target !== 'tfjs' && target !== 'onnx') {
        throw new EngineError(
          RpcErrorName.badArguments,
          `export target must be 'pytorch', 'keras', 'tfjs' or 'onnx', got ${JSON.stringify(target)}`,
        );
      }
      const load = modules.exporter ?? missing('Export to PyTorch, Keras, TensorFlow.js and ONNX');
      const modelDir = runId ? await (await runs()).modelArtifactsDir(runId) : null;
      if (runId && !modelDir)
        throw new EngineError(
          'NoModel',
          `run '${runId}' has no saved model to export (it has not finished an epoch)`,
        );
      return (await load()).exportModel(doc, target, { modelDir });
    },
    async importModel(modelJson, importOptions = {}) {
      const load = modules.exporter ?? missing('Importing a Keras / TensorFlow.js model');
      const files = [
        ...(modelJson === '' ? [] : [{ name: 'model.json', bytes: new TextEncoder().encode(modelJson) }]),
        ...(importOptions.files ?? []).map((file) => ({
          name: file.name,
          bytes: new Uint8Array(Buffer.from(file.content, 'base64')),
        })),
      ];
      const choices = {
        ...(importOptions.inputSize ? { inputSize: importOptions.inputSize } : {}),
        ...(importOptions.output ? { output: importOptions.output } : {}),
      };
      let imported;
      try {
        imported = await (await load()).importModel(files, choices, dataDir);
      } catch (error) {
        throw importRefusal(error);
      }
      // The editor gets a graph CNN Studio reads (repairs named in meta.importRepairs) or the problems.
      const { document, problems, unmapped, outputs, weightsRun } = imported;
      if (!document || problems.length > 0) {
        const list = problems.map((line) => `  - ${line}`).join('\n');
        const message = `the imported model is not a valid CNN Studio graph:\n${list}`;
        throw new EngineError('InvalidImport', message, {
          problems,
          ...(outputs.length > 1 ? { outputs } : {}),
        });
      }
      if (!weightsRun) return { document, unmapped };
      const manager = await runs();
      if (!manager.adopt) missing('Keeping imported weights');
      await manager.adopt!(weightsRun);
      return { document, unmapped, weightsRunId: weightsRun.id };
    },

    listProjects: (directory) => projects.list(directory),
    openProject: (path) => projects.open(path),
    saveProject: (path, doc, saveOptions) => projects.save(path, doc, saveOptions),
    recentProjects: () => projects.recent(),
    saveRecovery: (doc) => projects.saveRecovery(doc),
    loadRecovery: () => projects.loadRecovery(),
    clearRecovery: () => projects.clearRecovery(),
    listUserBlocks: () => blockLibrary.list(),
    saveUserBlocks: (blocks) => blockLibrary.save(blocks),
  };

  return {
    api,
    onEvent: (listener) => listeners.add(listener as (name: EngineEventName, payload: unknown) => void),
    staleTemporariesRemoved,
    async dispose() {
      if (disposed) return;
      disposed = true;
      windowRuns.dispose();
      const manager = runManager;
      runManager = null;
      openedDataset = null;
      if (manager) await (await manager.catch(() => null))?.dispose();
      listeners.clear();
    },
  };
}

/**
 * An import the engine refuses, as the editor gets it: `InvalidImport` with the reason in
 * `problems` (and `inputSize` naming an input whose size the person must give).
 */
function importRefusal(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'InputSizeNeededError') {
    const { input, shape } = error as Error & { input: string; shape: Array<number | null> };
    return new EngineError('InvalidImport', error.message, {
      problems: [error.message],
      inputSize: { input, shape },
    });
  }
  if (error.name === 'ModelImportError' || error.name === 'WeightMismatchError')
    return new EngineError('InvalidImport', error.message, { problems: [error.message] });
  return error;
}
