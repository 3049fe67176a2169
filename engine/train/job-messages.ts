/**
 * Messages between the run manager and a training job, whatever carries them (a
 * worker_thread's port, or a direct call in tests). Plain JSON.
 */
import type { LogEvent, RunEvent } from '../protocol/api';
import type { JobOutcome, TrainingJob } from './runner';

/** Manager → job. */
export type JobCommand = { type: 'stop' } | { type: 'pause' } | { type: 'resume' };

/** Job → manager. `finished` is always the last message of a job that did not crash. */
export type JobMessage =
  | { type: 'event'; event: RunEvent }
  | { type: 'log'; event: LogEvent }
  | { type: 'finished'; outcome: JobOutcome };

/** What a worker is started with (`workerData`). */
export interface JobStart {
  job: TrainingJob;
  dataDir: string;
}

/** A started job as the manager sees it. */
export interface JobHandle {
  send(command: JobCommand): void;
  /** Ends the job at once (worker terminated); `onExit` then reports it. */
  kill(): Promise<void>;
}

/**
 * Starts jobs. `onExit` is called once when the job is over: `crashed` carries a reason when
 * it ended without its `finished` message (the worker died).
 */
export type JobLauncher = (
  start: JobStart,
  onMessage: (message: JobMessage) => void,
  onExit: (crashed: string | null) => void,
) => JobHandle;
