import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rateLimitedLog } from './rate-limited-log';

describe('rateLimitedLog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the first lines of an interval, then one summary line when it ends', () => {
    const lines: string[] = [];
    const log = rateLimitedLog((line) => lines.push(line), {
      burst: 3,
      intervalMs: 10_000,
      summary: (n, t) => `refused ${n} more frames in the last ${t}`,
    });
    for (let i = 0; i < 1473; i++) log(`refused frame ${i}`);
    expect(lines).toEqual(['refused frame 0', 'refused frame 1', 'refused frame 2']);
    vi.advanceTimersByTime(10_000);
    expect(lines.slice(3)).toEqual(['refused 1470 more frames in the last 10 s']);
    log('refused frame again');
    expect(lines.at(-1)).toBe('refused frame again'); // a new interval starts with a fresh burst
  });

  it('writes no summary when nothing was suppressed, and flush() writes a pending one at once', () => {
    const lines: string[] = [];
    const log = rateLimitedLog((line) => lines.push(line), { burst: 2, summary: (n) => `${n} more` });
    log('a');
    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual(['a']);
    log('b');
    log('c');
    log('d');
    log.flush();
    expect(lines).toEqual(['a', 'b', 'c', '1 more']);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(4);
  });
});
