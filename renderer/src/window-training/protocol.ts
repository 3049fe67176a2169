/**
 * Messages between the editor (UI thread) and the window's training worker. Plain,
 * structured-cloneable data; one worker per run.
 */
import type { GraphDocument, TrainingSettings } from '../../../engine/graph/document';
import type { DatasetInfo, ModelWeightFiles, RunEvent, WindowCheckpoint } from '../../../engine/protocol/api';
import type { WindowBackendRequest } from './adapter-choice';

/** One run to train in the window (registered with the engine, which gave its id and settings). */
export interface WindowJob {
  runId: string;
  graph: GraphDocument;
  training: TrainingSettings;
  limit: number | null;
  dataset: DatasetInfo;
  /** Absolute URL of the engine's `GET /datasets/<id>/cache`. */
  cacheUrl: string;
  /** The session token from the page's address, sent as `Authorization: Bearer`; empty when the session cookie carries it. */
  token: string;
  /** The cache itself, read over the engine connection where the page has no HTTP route (the desktop app). */
  cacheBytes?: Uint8Array;
  backend: WindowBackendRequest;
  /** Continue from this checkpoint (a resumed run), or null to start at epoch 1. */
  checkpoint: WindowCheckpoint | null;
  /** Minimum milliseconds between batch events (default 50, as engine runs). */
  batchEventIntervalMs?: number;
}

/** Weights the worker hands the engine: a checkpoint after each epoch, the model at the end. */
export type WeightsToSave =
  { what: 'checkpoint'; checkpoint: WindowCheckpoint } | { what: 'model'; model: ModelWeightFiles };

export type ToWorker =
  | { type: 'start'; job: WindowJob }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** The engine wrote (or refused, with `error`) the weights of save request `id`. */
  | { type: 'saved'; id: number; error: string | null };

export type FromWorker =
  | { type: 'event'; event: RunEvent }
  | { type: 'log'; message: string }
  /** Weights to send to the engine; training waits for `saved` with this id. */
  | { type: 'save'; id: number; weights: WeightsToSave }
  /** The run is over (its `done` or `failed` event was sent first); the worker can go. */
  | { type: 'finished'; status: 'done' | 'stopped' | 'failed' };
