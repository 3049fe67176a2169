/**
 * The training worker (bundled to dist/engine/train-worker.mjs): one worker_thread per run,
 * so a training step never blocks the engine host. Started with `workerData: JobStart`;
 * takes `JobCommand`s and posts `JobMessage`s on its parent port, then exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobCommand, JobStart } from './job-messages';
import { hostJob } from './job-host';

if (!parentPort) throw new Error('train-worker must run as a worker_thread');
const port = parentPort;

hostJob(workerData as JobStart, {
  post: (message) => port.postMessage(message),
  onCommand: (listener) => {
    const handler = (command: JobCommand) => listener(command);
    port.on('message', handler);
    return () => port.off('message', handler);
  },
}).then(
  () => process.exit(0),
  (error: unknown) => {
    // hostJob reports failures as messages; reaching here means the port itself failed.
    console.error(error);
    process.exit(1);
  },
);
