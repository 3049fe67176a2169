/**
 * The window's training worker (a dedicated Web Worker; never the UI thread): picks WebGPU
 * or WebGL, fetches the dataset as the engine's binary cache, and trains with the engine's
 * own training core (`trainCompiledJob` → `trainLoop`), posting the same RunEvents an
 * engine run emits. After each epoch it hands the weights and optimizer state to the engine
 * as a checkpoint (through the UI thread, which holds the connection) and waits until they
 * are written; at the end, the trained weights as the run's model. A resumed run starts from
 * the checkpoint the engine sent. Started by window-run.ts, one worker per run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { decodeDatasetCache } from '../../../engine/datasets/cache-format';
import type { BackendInfo, RunEvent, WindowCheckpoint } from '../../../engine/protocol/api';
import { RunControl } from '../../../engine/train/control';
import { explainFailure, TrainingError } from '../../../engine/train/failures';
import {
  decodeInOrder,
  encodeTensors,
  loadModelWeights,
  modelFileContents,
} from '../../../engine/train/model-bytes';
import type { TrainingOptimizer } from '../../../engine/train/optimizer';
import { checkRunnable } from '../../../engine/train/preflight';
import type { ResumePoint } from '../../../engine/train/train-job';
import { trainCompiledJob } from '../../../engine/train/train-job';
import type { tfjs } from '../../../engine/train/tf-types';
import { base64ToBytes, bytesToBase64 } from '../training/base64';
import { chooseWindowBackend, type WindowBackendName } from './adapter-choice';
import { startTrainingBackend } from './backend-setup';
import {
  deviceLostFault,
  isGpuOutOfMemory,
  outOfMemoryFault,
  watchGpuFaults,
  webGlContextLost,
  type GpuFault,
} from './gpu-faults';
import { probeWindowGpus } from './probe';
import type { FromWorker, ToWorker, WeightsToSave, WindowJob } from './protocol';

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);
const control = new RunControl();
let started = false;
/** Set on the first GPU fault: the run then fails with it, whatever the loop threw. */
let fault: GpuFault | null = null;
const pendingSaves = new Map<number, { resolve(): void; reject(error: Error): void }>();
let nextSaveId = 1;
/** The run's last event was sent. */
let ended = false;
/** How long the loop gets to end by itself after a GPU fault. */
const FAULT_GRACE_MS = 5000;

self.onmessage = (message: MessageEvent<ToWorker>) => {
  const request = message.data;
  if (request.type === 'start') {
    if (started) return;
    started = true;
    void train(request.job);
  } else if (request.type === 'saved') {
    const pending = pendingSaves.get(request.id);
    pendingSaves.delete(request.id);
    if (request.error === null) pending?.resolve();
    else pending?.reject(new TrainingError(request.error));
  } else if (request.type === 'pause') control.pause();
  else if (request.type === 'resume') control.resume();
  else control.stop();
};

/** Hands weights to the engine (through the UI thread) and waits until they are written. */
function save(weights: WeightsToSave): Promise<void> {
  const id = nextSaveId++;
  return new Promise((resolve, reject) => {
    pendingSaves.set(id, { resolve, reject });
    post({ type: 'save', id, weights });
  });
}

/** Selects and starts the backend; resolves to the backend line. */
async function startBackend(job: WindowJob): Promise<BackendInfo & { name: WindowBackendName }> {
  const decision = chooseWindowBackend(job.backend, await probeWindowGpus());
  if (!decision.ok) throw new TrainingError(decision.message);
  const { name, device, skipped } = decision.choice;
  if (!(await startTrainingBackend(tf, name)))
    throw new TrainingError(`the ${name} backend did not start on ${device}`);
  watchGpuFaults(tf.backend(), { backend: name, batchSize: job.training.batchSize }, (found) => {
    fault = found;
    control.stop();
    // A lost GPU can leave a read-back waiting forever: if the loop has not ended soon, end
    // the run here (the UI thread then ends this worker), so it never stays "running".
    setTimeout(() => end({ kind: 'failed', runId: job.runId, message: found.message }), FAULT_GRACE_MS);
  });
  return { name, device: `${device}, in the window`, skipped, patchedKernels: [] };
}

async function fetchDataset(job: WindowJob) {
  if (job.cacheBytes) return decodeDatasetCache('from the engine connection', job.cacheBytes);
  const response = await fetch(job.cacheUrl, {
    // Same-origin: the session cookie goes along; a token from the address is sent as well.
    headers: job.token ? { Authorization: `Bearer ${job.token}` } : {},
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).trim();
    throw new TrainingError(
      `the engine did not send dataset '${job.dataset.id}' (HTTP ${response.status}${detail ? `: ${detail}` : ''})`,
    );
  }
  return decodeDatasetCache(`from ${job.cacheUrl}`, new Uint8Array(await response.arrayBuffer()));
}

/** Loads the engine's checkpoint into the fresh model and optimizer. */
async function restore(
  checkpoint: WindowCheckpoint,
  model: tfjs.LayersModel,
  optimizer: TrainingOptimizer,
): Promise<ResumePoint> {
  if (checkpoint.optimizer.name !== optimizer.name)
    throw new TrainingError(
      `the checkpoint was made with the ${checkpoint.optimizer.name} optimizer, not ${optimizer.name}: resume with the same optimizer`,
    );
  const weights = base64ToBytes(checkpoint.weights);
  loadModelWeights(
    tf,
    model,
    { modelJson: checkpoint.modelJson, weights: toBuffer(weights) },
    'the checkpoint',
  );
  const tensors = decodeInOrder(
    tf,
    toBuffer(base64ToBytes(checkpoint.optimizer.data)),
    checkpoint.optimizer.specs,
  );
  await optimizer.setState(
    checkpoint.optimizer.specs.map((spec, i) => ({ name: spec.name, tensor: tensors[i] })),
  );
  return { epochsDone: checkpoint.epochsDone, history: checkpoint.history };
}

function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function modelFiles(model: tfjs.LayersModel) {
  const contents = await modelFileContents(tf, model);
  return { modelJson: contents.modelJson, weights: bytesToBase64(contents.weights) };
}

async function checkpointOf(
  model: tfjs.LayersModel,
  optimizer: TrainingOptimizer,
  epochsDone: number,
  history: WindowCheckpoint['history'],
): Promise<WindowCheckpoint> {
  const state = await optimizer.getState();
  try {
    const encoded = await encodeTensors(tf, state);
    return {
      ...(await modelFiles(model)),
      epochsDone,
      history,
      optimizer: {
        name: optimizer.name,
        // encodeWeights writes the tensors' own dtypes, which training keeps to these three.
        specs: encoded.specs as WindowCheckpoint['optimizer']['specs'],
        data: bytesToBase64(encoded.data),
      },
    };
  } finally {
    tf.dispose(state.map((entry) => entry.tensor));
  }
}

async function train(job: WindowJob): Promise<void> {
  const emit = (event: RunEvent) => post({ type: 'event', event });
  const settings = job.training;
  let paramCount = 0;
  let backendName: WindowBackendName | null = null;
  try {
    const plan = checkRunnable(job.graph, job.dataset);
    paramCount = plan.paramCount;
    const backend = await startBackend(job);
    backendName = backend.name;
    post({ type: 'log', message: `training on ${backend.name}: ${backend.device}` });
    const data = await fetchDataset(job);
    const outcome = await trainCompiledJob({
      runId: job.runId,
      tf,
      backend,
      graph: job.graph,
      settings,
      limit: job.limit,
      dataset: { info: job.dataset, train: data.train, test: data.test },
      plan,
      control,
      emit,
      ...(job.batchEventIntervalMs !== undefined
        ? { loop: { batchEventIntervalMs: job.batchEventIntervalMs } }
        : {}),
      ...(job.checkpoint
        ? { restore: (model, optimizer) => restore(job.checkpoint!, model, optimizer) }
        : {}),
      onEpochEnd: async (model, optimizer, epochsDone, history) => {
        // The tensor count must stay flat across epochs (no leak); the e2e test reads this.
        post({ type: 'log', message: `epoch ${epochsDone}: ${tf.memory().numTensors} tensors` });
        if (fault) return; // a lost GPU has no weights to read
        await save({
          what: 'checkpoint',
          checkpoint: await checkpointOf(model, optimizer, epochsDone, history),
        });
      },
      onTrained: async (model) => {
        if (!fault) await save({ what: 'model', model: await modelFiles(model) });
      },
    });
    if (fault) throw new TrainingError(fault.message);
    end({ kind: 'done', runId: job.runId, stopped: outcome.stopped, result: outcome.result });
  } catch (error) {
    if (!fault && backendName === 'webgl' && webGlContextLost(tf.backend()))
      fault = deviceLostFault('the WebGL context was lost', {
        backend: 'webgl',
        batchSize: settings.batchSize,
      });
    const message =
      fault?.message ??
      (backendName && isGpuOutOfMemory(error)
        ? outOfMemoryFault({ backend: backendName, batchSize: settings.batchSize }).message
        : explainFailure(error, { batchSize: settings.batchSize, paramCount }));
    end({ kind: 'failed', runId: job.runId, message });
  }
}

/** Sends the run's last event and says the worker is done; only the first call counts. */
function end(event: Extract<RunEvent, { kind: 'done' | 'failed' }>): void {
  if (ended) return;
  ended = true;
  post({ type: 'event', event });
  post({ type: 'finished', status: event.kind === 'failed' ? 'failed' : event.stopped ? 'stopped' : 'done' });
}
