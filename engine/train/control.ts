/**
 * Stop / pause / resume requests for a running training loop. The loop polls `stopRequested`
 * between batches and awaits `waitWhilePaused()`, so requests take effect after the current
 * batch (a batch is never half applied).
 */
export class RunControl {
  private stopFlag = false;
  private pausedFlag = false;
  private wake: (() => void) | null = null;

  get stopRequested(): boolean {
    return this.stopFlag;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Ends the run after the current batch; also ends a pause. */
  stop(): void {
    this.stopFlag = true;
    this.release();
  }

  pause(): void {
    if (!this.stopFlag) this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.release();
  }

  /**
   * Resolves at once when not paused; otherwise calls `onPause`, waits for resume or stop,
   * and calls `onResume` if training goes on. Returns the seconds spent paused.
   */
  async waitWhilePaused(onPause: () => void, onResume: () => void): Promise<number> {
    if (!this.pausedFlag || this.stopFlag) return 0;
    const since = performance.now();
    onPause();
    while (this.pausedFlag && !this.stopFlag) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (!this.stopFlag) onResume();
    return (performance.now() - since) / 1000;
  }

  private release(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/**
 * Lets timers and messages (stop, pause) run between batches; a batch is synchronous work.
 * Node has `setImmediate`; a browser worker has none, and `setTimeout(0)` is clamped to
 * ≥ 4 ms there once nested, so a MessageChannel round trip yields instead.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
