/**
 * The runs training in this window, for the training panel: starts one from the panel's
 * run request and routes stop/pause/resume to its worker. A window run lives as long as
 * this page: its worker ends with it.
 */
import type { DatasetInfo, RunEvent, StartRunRequest } from '../../../engine/protocol/api';
import type { WindowBackendName } from './adapter-choice';
import { startWindowRun, type WindowRun } from './window-run';

const active = new Map<string, WindowRun>();
let counter = 0;

/**
 * The page's `?token=`, when the address still has one (tests, programs). After the first
 * load the server trades it for an HttpOnly session cookie and drops it from the address;
 * the worker's same-origin request then carries the cookie instead.
 */
function sessionToken(): string {
  return new URLSearchParams(location.search).get('token') ?? '';
}

/** A run id for a window run: sorts with engine run ids by time, says where it trained. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  counter += 1;
  return `${stamp}-window-${Math.random().toString(36).slice(2, 6)}${counter}`;
}

/**
 * Starts `request` in a worker on `backend`; `onEvent` gets the run's RunEvents (the same
 * ones an engine run sends). Returns the run id.
 */
export function startWindowTraining(
  request: StartRunRequest,
  dataset: DatasetInfo,
  backend: WindowBackendName,
  onEvent: (event: RunEvent) => void,
  onLog?: (message: string) => void,
): string {
  const runId = newRunId();
  // The worker's notes (backend, tensor count per epoch) go to the console unless asked for.
  const log = onLog ?? ((message: string) => console.info(`[window training ${runId}] ${message}`));
  const run = startWindowRun(
    {
      runId,
      graph: request.graph,
      training: request.training,
      limit: request.limit ?? null,
      dataset,
      cacheUrl: new URL(`datasets/${encodeURIComponent(dataset.id)}/cache`, location.href).href,
      token: sessionToken(),
      backend,
    },
    { event: onEvent, log, ended: () => active.delete(runId) },
  );
  active.set(runId, run);
  return runId;
}

/** Stops, pauses or resumes a window run; false when `runId` is not one. */
export function controlWindowRun(runId: string, action: 'stop' | 'pause' | 'resume'): boolean {
  const run = active.get(runId);
  if (!run) return false;
  run[action]();
  return true;
}
