import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunControl, yieldToEventLoop } from './control';

afterEach(() => vi.unstubAllGlobals());

describe('yieldToEventLoop', () => {
  it('lets a pending timer run before it resolves, under Node', async () => {
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    await new Promise((resolve) => setTimeout(resolve, 1));
    await yieldToEventLoop();
    expect(timerRan).toBe(true);
  });

  it('works where there is no setImmediate (a browser worker), through a message round trip', async () => {
    vi.stubGlobal('setImmediate', undefined);
    const order: string[] = [];
    const posted = new MessageChannel();
    posted.port1.onmessage = () => {
      order.push('message');
      posted.port1.close();
    };
    posted.port2.postMessage(null);
    await yieldToEventLoop();
    order.push('yielded');
    expect(order).toEqual(['message', 'yielded']);
  });
});

describe('RunControl', () => {
  it('waits while paused without polling and ends the wait on stop', async () => {
    const control = new RunControl();
    control.pause();
    const events: string[] = [];
    const waiting = control.waitWhilePaused(
      () => events.push('paused'),
      () => events.push('resumed'),
    );
    control.stop();
    await waiting;
    expect(events).toEqual(['paused']);
    expect(control.stopRequested).toBe(true);
  });
});
