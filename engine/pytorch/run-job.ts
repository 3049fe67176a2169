/**
 * Runs one job through any `JobLauncher` and waits for its outcome: what the CLI and the
 * tests do with a PyTorch run (the run manager keeps its own bookkeeping).
 */
import type { LogEvent, RunEvent } from '../protocol/api';
import type { JobCommand, JobLauncher, JobStart } from '../train/job-messages';
import type { JobOutcome } from '../train/runner';

export interface LaunchedJob {
  send(command: JobCommand): void;
  kill(): Promise<void>;
  /** Resolves when the job is over: its reported outcome, or `failed` with the crash reason. */
  outcome: Promise<JobOutcome>;
}

export function runWithLauncher(
  launcher: JobLauncher,
  start: JobStart,
  listeners: { emit: (event: RunEvent) => void; log?: (event: LogEvent) => void },
): LaunchedJob {
  let reported: JobOutcome | null = null;
  let resolveOutcome!: (outcome: JobOutcome) => void;
  const outcome = new Promise<JobOutcome>((resolve) => (resolveOutcome = resolve));
  const handle = launcher(
    start,
    (message) => {
      if (message.type === 'event') listeners.emit(message.event);
      else if (message.type === 'log') listeners.log?.(message.event);
      else reported = message.outcome;
    },
    (crashed) => {
      if (reported) return resolveOutcome(reported);
      const message = crashed ?? 'the job ended without reporting';
      listeners.emit({ kind: 'failed', runId: start.job.runId, message });
      resolveOutcome({ status: 'failed', message });
    },
  );
  return { send: (command) => handle.send(command), kill: () => handle.kill(), outcome };
}
