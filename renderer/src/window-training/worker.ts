/**
 * The window's training worker (a dedicated Web Worker; never the UI thread): picks WebGPU
 * or WebGL, fetches the dataset as the engine's binary cache, and trains with the engine's
 * own training core (`trainCompiledJob` → `trainLoop`), posting the same RunEvents an
 * engine run emits. Started by window-run.ts, one worker per run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { decodeDatasetCache } from '../../../engine/datasets/cache-format';
import type { BackendInfo, RunEvent } from '../../../engine/protocol/api';
import { RunControl } from '../../../engine/train/control';
import { explainFailure, TrainingError } from '../../../engine/train/failures';
import { checkRunnable } from '../../../engine/train/preflight';
import { trainCompiledJob } from '../../../engine/train/train-job';
import { chooseWindowBackend } from './adapter-choice';
import { startTrainingBackend } from './backend-setup';
import { probeWindowGpus } from './probe';
import type { FromWorker, ToWorker, WindowJob } from './protocol';

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);
const control = new RunControl();
let started = false;
/** Set when the GPU goes away mid-run: the run then fails with this, whatever the loop threw. */
let deviceLost: string | null = null;

self.onmessage = (message: MessageEvent<ToWorker>) => {
  const request = message.data;
  if (request.type === 'start') {
    if (started) return;
    started = true;
    void train(request.job);
  } else if (request.type === 'pause') control.pause();
  else if (request.type === 'resume') control.resume();
  else control.stop();
};

/** Selects and starts the backend; resolves to the backend line. */
async function startBackend(job: WindowJob): Promise<BackendInfo> {
  const decision = chooseWindowBackend(job.backend, await probeWindowGpus());
  if (!decision.ok) throw new TrainingError(decision.message);
  const { name, device, skipped } = decision.choice;
  if (!(await startTrainingBackend(tf, name)))
    throw new TrainingError(`the ${name} backend did not start on ${device}`);
  watchForDeviceLoss(name);
  return { name, device: `${device}, in the window`, skipped, patchedKernels: [] };
}

function watchForDeviceLoss(name: string): void {
  const lost = (detail: string) => {
    deviceLost = `The GPU was lost while training (${detail}). The run stopped; resume it from its last checkpoint.`;
    control.stop();
  };
  if (name === 'webgpu') {
    const device = (
      tf.backend() as unknown as { device?: { lost: Promise<{ message: string; reason?: string }> } }
    ).device;
    void device?.lost.then((info) => lost(info.message || info.reason || 'device lost'));
  } else {
    const canvas = (tf.backend() as unknown as { gpgpu?: { gl: WebGL2RenderingContext } }).gpgpu?.gl.canvas;
    canvas?.addEventListener('webglcontextlost', () => lost('WebGL context lost'));
  }
}

async function fetchDataset(job: WindowJob) {
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

async function train(job: WindowJob): Promise<void> {
  const emit = (event: RunEvent) => post({ type: 'event', event });
  const settings = job.training;
  let paramCount = 0;
  try {
    const plan = checkRunnable(job.graph, job.dataset);
    paramCount = plan.paramCount;
    const backend = await startBackend(job);
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
      onEpochEnd: async (_model, _optimizer, epochsDone) => {
        // The tensor count must stay flat across epochs (no leak); the e2e test reads this.
        post({ type: 'log', message: `epoch ${epochsDone}: ${tf.memory().numTensors} tensors` });
      },
    });
    if (deviceLost) throw new TrainingError(deviceLost);
    emit({ kind: 'done', runId: job.runId, stopped: outcome.stopped, result: outcome.result });
    post({ type: 'finished', status: outcome.stopped ? 'stopped' : 'done' });
  } catch (error) {
    const message = deviceLost ?? explainFailure(error, { batchSize: settings.batchSize, paramCount });
    emit({ kind: 'failed', runId: job.runId, message });
    post({ type: 'finished', status: 'failed' });
  }
}
