/**
 * Starts a run in the window's training worker and relays its events and weights (UI
 * thread side). A worker that dies (an uncaught error, a failed load) ends the run as
 * failed, never "running" forever; closing the page ends it with the page.
 */
import type { RunEvent } from '../../../engine/protocol/api';
import type { FromWorker, ToWorker, WeightsToSave, WindowJob } from './protocol';

/** A run training in the window. */
export interface WindowRun {
  readonly runId: string;
  pause(): void;
  resume(): void;
  /** Ends after the current batch (the run's `done` event has `stopped: true`). */
  stop(): void;
  /** Ends the worker at once, without a last event (the engine no longer keeps the run). */
  terminate(): void;
}

export interface WindowRunListeners {
  event(event: RunEvent): void;
  /** Writes weights the worker hands over (the engine's checkpoint or model files); rejects if not written. */
  save(weights: WeightsToSave): Promise<void>;
  log?(message: string): void;
  /** The worker is gone (finished, died or terminated): the run is over here. */
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
  const send = (message: ToWorker) => !over && worker.postMessage(message);
  worker.onmessage = (message: MessageEvent<FromWorker>) => {
    const data = message.data;
    if (data.type === 'event') listeners.event(data.event);
    else if (data.type === 'log') listeners.log?.(data.message);
    else if (data.type === 'save')
      // A listener that throws at once must still answer the worker, which waits.
      Promise.resolve()
        .then(() => listeners.save(data.weights))
        .then(
          () => send({ type: 'saved', id: data.id, error: null }),
          (error: unknown) =>
            send({
              type: 'saved',
              id: data.id,
              error: `the engine did not save the ${data.weights.what === 'model' ? 'trained model' : 'checkpoint'}: ${error instanceof Error ? error.message : String(error)}`,
            }),
        );
    else end();
  };
  worker.onerror = (error) => {
    error.preventDefault();
    fail(`The window's training worker stopped: ${error.message || 'it failed to load'}.`);
  };
  worker.onmessageerror = () => fail("The window's training worker sent a message that could not be read.");
  send({ type: 'start', job });
  return {
    runId: job.runId,
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    stop: () => send({ type: 'stop' }),
    terminate: end,
  };
}
