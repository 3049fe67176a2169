/**
 * Ways to run a job: in a worker_thread (the engine host) or in this thread (tests, where
 * vitest cannot load a .ts worker). Both speak `JobMessage`s.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hostJob } from './job-host';
import type { JobCommand, JobLauncher, JobMessage } from './job-messages';

/**
 * Where the bundled worker is: `CNN_STUDIO_TRAIN_WORKER`, else next to the running bundle
 * (dist/engine/*.mjs), else the repo's dist/engine when running from source.
 */
export function trainWorkerPath(): string {
  const fromEnv = process.env.CNN_STUDIO_TRAIN_WORKER;
  if (fromEnv) return fromEnv;
  const candidates = [
    new URL('./train-worker.mjs', import.meta.url),
    new URL('../../dist/engine/train-worker.mjs', import.meta.url),
  ];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `the training worker bundle was not found (looked for ${candidates.map((c) => fileURLToPath(c)).join(' and ')}); run \`node scripts/build-engine.mjs\``,
  );
}

/** Runs each job in its own worker_thread. */
export function workerLauncher(workerPath: string = trainWorkerPath()): JobLauncher {
  return (start, onMessage, onExit) => {
    const worker = new Worker(workerPath, { workerData: start });
    let finished = false;
    let failure: string | null = null;
    worker.on('message', (message: JobMessage) => {
      if (message.type === 'finished') finished = true;
      onMessage(message);
    });
    worker.on('error', (error) => {
      failure = `the training worker crashed: ${error.message}`;
    });
    worker.on('exit', (code) => {
      onExit(finished ? null : (failure ?? `the training worker stopped unexpectedly (exit code ${code})`));
    });
    return {
      send: (command: JobCommand) => worker.postMessage(command),
      kill: async () => {
        await worker.terminate();
      },
    };
  };
}

/** Runs each job on this thread (the loop yields between batches, so commands still arrive). */
export function inProcessLauncher(): JobLauncher {
  return (start, onMessage, onExit) => {
    const listeners = new Set<(command: JobCommand) => void>();
    let finished = false;
    const done = hostJob(start, {
      post: (message) => {
        if (message.type === 'finished') finished = true;
        // Deliver asynchronously, as a worker would.
        queueMicrotask(() => onMessage(message));
      },
      onCommand: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    }).then(
      () => queueMicrotask(() => onExit(finished ? null : 'the job ended without reporting')),
      (error: unknown) =>
        onExit(`the job crashed: ${error instanceof Error ? error.message : String(error)}`),
    );
    return {
      send: (command) => {
        for (const listener of listeners) listener(command);
      },
      kill: async () => {
        for (const listener of listeners) listener({ type: 'stop' });
        await done;
      },
    };
  };
}
