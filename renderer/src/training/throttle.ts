/**
 * A redraw throttle for live charts: however many events arrive, the callback runs at most
 * once per animation frame and no more often than every `minIntervalMs` (100 ms ≈ 10 per
 * second), and always once more after the last request, so the final state is drawn.
 */

export interface FrameThrottleOptions {
  minIntervalMs?: number;
  /** Defaults to `requestAnimationFrame`; tests pass a manual one. */
  requestFrame?: (callback: () => void) => number;
  cancelFrame?: (handle: number) => void;
  now?: () => number;
}

export interface FrameThrottle {
  /** Asks for one callback run soon; repeated requests before it runs are merged. */
  request(): void;
  /** Drops a pending run (e.g. when the chart unmounts). */
  cancel(): void;
}

export function createFrameThrottle(callback: () => void, options: FrameThrottleOptions = {}): FrameThrottle {
  const minInterval = options.minIntervalMs ?? 100;
  const requestFrame = options.requestFrame ?? ((cb: () => void) => requestAnimationFrame(cb));
  const cancelFrame = options.cancelFrame ?? ((handle: number) => cancelAnimationFrame(handle));
  const now = options.now ?? (() => performance.now());
  let handle: number | null = null;
  let lastRun = -Infinity;

  const tick = () => {
    if (now() - lastRun < minInterval) {
      handle = requestFrame(tick); // too soon: look again next frame
      return;
    }
    handle = null;
    lastRun = now();
    callback();
  };

  return {
    request() {
      if (handle === null) handle = requestFrame(tick);
    },
    cancel() {
      if (handle !== null) cancelFrame(handle);
      handle = null;
    },
  };
}
