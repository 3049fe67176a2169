/**
 * Starts a run in the window's training worker and relays its events (UI thread side).
 * A worker that dies (an uncaught error, a failed load) ends the run as failed, never
 * "running" forever; closing the page ends it with the page.
 */
import type { RunEvent } from '../../../engine/protocol/api';
import type { FromWorker, ToWorker, WindowJob } from './protocol';

/** A run training in the window. */
export interface WindowRun {
  readonly runId: string;
  pause(): void;
  resume(): void;
  /** Ends after the current batch (the run's `done` event has `stopped: true`). */
  stop(): void;
}

export interface WindowRunListeners {
  event(event: RunEvent): void;
  log?(message: string): void;
  /** The worker is gone (finished, or died): the run is over. */
  ended?(): void;
}

/** Starts `job` in a new worker. */
export function startWindowRun(job: WindowJob, listeners: WindowRunListeners): WindowRun {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: `train ${job.runId}`,
  });
  let over = false;
  const end = () => {
    if (over) return;
    over = true;
    worker.terminate();
    listeners.ended?.();
  };
  const fail = (message: string) => {
    if (over) return;
    listeners.event({ kind: 'failed', runId: job.runId, message });
    end();
  };
  worker.onmessage = (message: MessageEvent<FromWorker>) => {
    const data = message.data;
    if (data.type === 'event') listeners.event(data.event);
    else if (data.type === 'log') listeners.log?.(data.message);
    else end();
  };
  worker.onerror = (error) => {
    error.preventDefault();
    fail(`The window's training worker stopped: ${error.message || 'it failed to load'}.`);
  };
  worker.onmessageerror = () => fail("The window's training worker sent a message that could not be read.");
  const send = (message: ToWorker) => !over && worker.postMessage(message);
  send({ type: 'start', job });
  return {
    runId: job.runId,
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    stop: () => send({ type: 'stop' }),
  };
}
