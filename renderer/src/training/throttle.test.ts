import { describe, expect, it } from 'vitest';
import { createFrameThrottle } from './throttle';

/** A manual animation-frame clock: frames run when the test says so, 16 ms apart. */
function fakeFrames() {
  let time = 0;
  let queue: Array<() => void> = [];
  return {
    requestFrame: (cb: () => void) => {
      queue.push(cb);
      return queue.length;
    },
    cancelFrame: () => {
      queue = [];
    },
    now: () => time,
    frame() {
      time += 16;
      const run = queue;
      queue = [];
      for (const cb of run) cb();
    },
    pending: () => queue.length,
  };
}

describe('frame throttle', () => {
  it('merges many requests into one run per frame', () => {
    const frames = fakeFrames();
    let runs = 0;
    const throttle = createFrameThrottle(() => runs++, { ...frames, minIntervalMs: 0 });
    for (let i = 0; i < 1000; i++) throttle.request();
    expect(frames.pending()).toBe(1);
    frames.frame();
    expect(runs).toBe(1);
  });

  it('runs at most every minIntervalMs under a constant stream of requests (~10 per second)', () => {
    const frames = fakeFrames();
    let runs = 0;
    const throttle = createFrameThrottle(() => runs++, { ...frames, minIntervalMs: 100 });
    for (let f = 0; f < 63; f++) {
      // one second of 60 fps with requests every frame
      throttle.request();
      frames.frame();
    }
    expect(runs).toBeGreaterThanOrEqual(8);
    expect(runs).toBeLessThanOrEqual(11);
  });

  it('always draws once more after the last request, and cancel drops a pending run', () => {
    const frames = fakeFrames();
    let runs = 0;
    const throttle = createFrameThrottle(() => runs++, { ...frames, minIntervalMs: 100 });
    throttle.request();
    frames.frame();
    throttle.request(); // too soon after the first run: must still happen later
    for (let f = 0; f < 10; f++) frames.frame();
    expect(runs).toBe(2);
    throttle.request();
    throttle.cancel();
    for (let f = 0; f < 10; f++) frames.frame();
    expect(runs).toBe(2);
  });
});
