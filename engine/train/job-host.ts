/**
 * The job side of the manager ↔ job messages: runs one training job, applying stop / pause /
 * resume commands and sending events back. Used by the worker thread and by the in-process
 * launcher (tests, CLI), so both run the same code.
 */
import { RunControl } from './control';
import type { JobCommand, JobMessage, JobStart } from './job-messages';
import { runTrainingJob } from './runner';

export interface JobHostChannel {
  post(message: JobMessage): void;
  /** Subscribes to commands; returns an unsubscribe function. */
  onCommand(listener: (command: JobCommand) => void): () => void;
}

/** Runs the job to its end; the returned promise resolves after `finished` was posted. */
export async function hostJob(start: JobStart, channel: JobHostChannel): Promise<void> {
  const control = new RunControl();
  const unsubscribe = channel.onCommand((command) => {
    if (command.type === 'stop') control.stop();
    else if (command.type === 'pause') control.pause();
    else if (command.type === 'resume') control.resume();
  });
  try {
    const outcome = await runTrainingJob(start.job, {
      dataDir: start.dataDir,
      control,
      emit: (event) => channel.post({ type: 'event', event }),
      log: (event) => channel.post({ type: 'log', event }),
    });
    channel.post({ type: 'finished', outcome });
  } finally {
    unsubscribe();
  }
}
