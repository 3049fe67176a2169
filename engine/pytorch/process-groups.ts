/**
 * No orphaned trainers: every Python (or torchrun, with its ranks) starts as the leader of its
 * own process group, and the whole group is ended when this process exits, or on SIGINT /
 * SIGTERM / SIGHUP when nobody else handles the signal (the CLI handles Ctrl-C itself: it
 * stops the run gracefully, and the exit that follows ends the group). The runner adds two
 * more nets: it stops when its stdin closes, and on Linux asks to die with its parent.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

/** Sends `signal` to the child's whole process group (ranks included); ignores one already gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
  } catch {
    // already gone
  }
}

/** Ends the child's group when this process ends. Call right after a `detached` spawn. */
export function trackGroup(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (installed) return;
  installed = true;
  process.on('exit', () => endLiveGroups('SIGTERM'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return; // someone else decides what this signal means
      endLiveGroups('SIGTERM');
      process.off(signal, onSignal);
      process.kill(process.pid, signal); // the default action: end this process too
    };
    process.on(signal, onSignal);
  }
}

/** How many tracked groups are still running (tests). */
export function liveGroups(): number {
  return live.size;
}

/** Sends `signal` to every tracked group (at exit; tests ending a run that hung). */
export function endLiveGroups(signal: NodeJS.Signals): void {
  for (const child of live) signalGroup(child, signal);
}
