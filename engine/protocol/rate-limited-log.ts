/**
 * A log that a flood cannot fill: the first `burst` lines of each interval are written as
 * they come, the rest are counted and summed up in one line when the interval ends
 * ("refused 1,470 more frames in the last 10 s"). Runs anywhere (plain timers).
 */

export interface RateLimitedLogOptions {
  /** Lines written as they come in each interval (default 10). */
  burst?: number;
  /** Length of an interval in milliseconds (default 10 s). */
  intervalMs?: number;
  /** The summary line for `count` suppressed lines, e.g. `refused 1,470 more frames in the last 10 s`. */
  summary: (count: number, intervalText: string) => string;
}

export interface RateLimitedLog {
  (message: string): void;
  /** Writes the pending summary now (if any) and stops the interval timer. */
  flush(): void;
}

/** Wraps `write` so that at most `burst` lines plus one summary line reach it per interval. */
export function rateLimitedLog(
  write: (message: string) => void,
  options: RateLimitedLogOptions,
): RateLimitedLog {
  const burst = options.burst ?? 10;
  const intervalMs = options.intervalMs ?? 10_000;
  let written = 0;
  let suppressed = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const endInterval = () => {
    timer = null;
    if (suppressed > 0) write(options.summary(suppressed, formatInterval(intervalMs)));
    written = 0;
    suppressed = 0;
  };

  const log = (message: string) => {
    if (timer === null) {
      timer = setTimeout(endInterval, intervalMs);
      // Never keep a Node process alive just to print a summary.
      (timer as { unref?: () => void }).unref?.();
    }
    if (written < burst) {
      written++;
      write(message);
    } else {
      suppressed++;
    }
  };

  return Object.assign(log, {
    flush() {
      if (timer !== null) clearTimeout(timer);
      endInterval();
    },
  });
}

/** `10 s`, `1 min`, `250 ms`. */
function formatInterval(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10} s`;
  return `${ms / 60_000} min`;
}

/** `1470` → `1,470`, the same in every locale (logs are read and grepped in English). */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
