/**
 * Messages between the editor (UI thread) and the window's training worker. Plain,
 * structured-cloneable data; one worker per run.
 */
import type { GraphDocument, TrainingSettings } from '../../../engine/graph/document';
import type { DatasetInfo, RunEvent } from '../../../engine/protocol/api';
import type { WindowBackendRequest } from './adapter-choice';

/** One run to train in the window. */
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
  backend: WindowBackendRequest;
  /** Minimum milliseconds between batch events (default 50, as engine runs). */
  batchEventIntervalMs?: number;
}

export type ToWorker =
  { type: 'start'; job: WindowJob } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type FromWorker =
  | { type: 'event'; event: RunEvent }
  | { type: 'log'; message: string }
  /** The run is over (its `done` or `failed` event was sent first); the worker can go. */
  | { type: 'finished'; status: 'done' | 'stopped' | 'failed' };
