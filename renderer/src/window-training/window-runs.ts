/**
 * The runs training in this window, for the training panel. A window run belongs to the
 * engine like any other: it is registered first (`startWindowRun`: the engine's checks, its
 * record, a resumed run's checkpoint), then trains in this page's worker while its events,
 * per-epoch checkpoints and final weights go to the engine, which keeps them — so the runs
 * list, compare, Evaluate, Try an image and export work on it. A heartbeat tells the engine
 * the page still trains it and brings commands sent from elsewhere; when the page closes or
 * reloads the heartbeat stops and the engine ends the run as stopped, resumable.
 */
import type { DatasetInfo, RunEvent, WindowRunRequest } from '../../../engine/protocol/api';
import type { EngineClient } from '../../../engine/protocol/rpc';
import type { WindowBackendName } from './adapter-choice';
import type { WeightsToSave } from './protocol';
import { pageHasDatasetRoute, readDatasetCache } from './dataset-over-connection';
import { startWindowRun, type WindowRun } from './window-run';

const active = new Map<string, WindowRun>();

/**
 * The page's `?token=`, when the address still has one (tests, programs). After the first
 * load the server trades it for an HttpOnly session cookie and drops it from the address;
 * the worker's same-origin request then carries the cookie instead.
 */
function sessionToken(): string {
  return new URLSearchParams(location.search).get('token') ?? '';
}

/** The engine no longer keeps the run as a window run (ended, deleted, engine restarted). */
function isUnknownRun(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnknownRun';
}

export interface WindowTrainingHooks {
  /** The run's `started` event (its backend line names the window's adapter). */
  started?(event: Extract<RunEvent, { kind: 'started' }>): void;
  /** The worker's notes (backend, tensor count per epoch); default: the console. */
  log?(message: string): void;
}

/**
 * Registers `request` with the engine and starts it in a worker on `backend`; resolves to the
 * run id once the worker has it. The run's events reach the panel from the engine, like an
 * engine run's. `engine` gives the current connection (it can change on reconnection).
 */
export async function startWindowTraining(
  engine: () => EngineClient | null,
  request: Omit<WindowRunRequest, 'backend'>,
  dataset: DatasetInfo,
  backend: WindowBackendName,
  hooks: WindowTrainingHooks = {},
): Promise<string> {
  const client = engine();
  if (!client) throw new Error('the engine is not connected');
  // The desktop app's page has no HTTP route to the engine: the data comes over the connection.
  const cacheBytes = pageHasDatasetRoute() ? undefined : await readDatasetCache(client, dataset.id);
  const registered = await client.startWindowRun({ ...request, backend });
  const { runId } = registered;
  const log = hooks.log ?? ((message: string) => console.info(`[window training ${runId}] ${message}`));

  /** A call to the engine for this run; when the engine no longer keeps it, the worker goes. */
  const call = <T>(send: (client: EngineClient) => Promise<T>): Promise<T> => {
    const current = engine();
    if (!current) return Promise.reject(new Error('the engine is not connected'));
    return send(current).catch((error: unknown) => {
      if (isUnknownRun(error)) run.terminate();
      throw error;
    });
  };
  const forward = (event: RunEvent) => {
    if (event.kind === 'started') hooks.started?.(event);
    call((c) => c.windowRunEvent(runId, event)).catch((error: unknown) =>
      log(`event ${event.kind} did not reach the engine: ${(error as Error).message}`),
    );
  };
  const save = (weights: WeightsToSave) =>
    call((c) =>
      weights.what === 'checkpoint'
        ? c.saveWindowCheckpoint(runId, weights.checkpoint)
        : c.saveWindowModel(runId, weights.model),
    );

  const run = startWindowRun(
    {
      runId,
      graph: registered.graph,
      training: registered.training,
      limit: registered.limit,
      dataset,
      cacheUrl: new URL(`datasets/${encodeURIComponent(dataset.id)}/cache`, location.href).href,
      token: sessionToken(),
      ...(cacheBytes ? { cacheBytes } : {}),
      backend,
      checkpoint: registered.checkpoint,
    },
    {
      event: forward,
      save,
      log,
      ended: () => {
        clearInterval(heartbeat);
        active.delete(runId);
      },
    },
  );
  const heartbeat = setInterval(() => {
    call((c) => c.windowRunHeartbeat(runId)).then(
      ({ commands }) => commands.forEach((command) => run[command]()),
      () => {}, // offline for a moment: the next beat tries again; an ended run was terminated
    );
  }, registered.heartbeatMs);
  active.set(runId, run);
  return runId;
}

/** Stops, pauses or resumes a run training in this window; false when it does not train here. */
export function controlWindowRun(runId: string, action: 'stop' | 'pause' | 'resume'): boolean {
  const run = active.get(runId);
  if (!run) return false;
  run[action]();
  return true;
}
