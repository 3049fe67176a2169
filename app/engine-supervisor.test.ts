import { describe, expect, it } from 'vitest';
import type { EngineRestartInfo } from './bridge';
import { createEngineSupervisor, type EngineClient, type EngineProcessHandle } from './engine-supervisor';

/** A fake engine process: records ports and shutdown requests; `crash()` makes it exit. */
class FakeEngine implements EngineProcessHandle<string> {
  readonly ports: string[] = [];
  shutdownRequested = false;
  killed = false;
  private readonly exitListeners: Array<(code: number | null) => void> = [];

  constructor(readonly id: number) {}

  sendPort(port: string): void {
    this.ports.push(port);
  }
  requestShutdown(): void {
    this.shutdownRequested = true;
  }
  kill(): void {
    this.killed = true;
  }
  onExit(listener: (code: number | null) => void): void {
    this.exitListeners.push(listener);
  }
  exit(code: number | null): void {
    for (const listener of this.exitListeners) listener(code);
  }
}

/** Fake clock and timers: `advance(ms)` runs what is due. */
function fakeTime() {
  let time = 1_000_000;
  let timers: Array<{ at: number; callback: () => void; id: number }> = [];
  let nextId = 1;
  return {
    now: () => time,
    setTimer: (callback: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ at: time + ms, callback, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((timer) => timer.id !== id);
    },
    advance(ms: number) {
      time += ms;
      const due = timers.filter((timer) => timer.at <= time);
      timers = timers.filter((timer) => timer.at > time);
      for (const timer of due) timer.callback();
    },
    pending: () => timers.length,
  };
}

function setup(options: { maxRestarts?: number; windowMs?: number } = {}) {
  const engines: FakeEngine[] = [];
  let channel = 0;
  const time = fakeTime();
  const supervisor = createEngineSupervisor<string>({
    spawnEngine: () => {
      const engine = new FakeEngine(engines.length);
      engines.push(engine);
      return engine;
    },
    createChannel: () => {
      channel++;
      return { enginePort: `engine-end-${channel}`, clientPort: `client-end-${channel}` };
    },
    restartDelayMs: 100,
    shutdownTimeoutMs: 500,
    ...options,
    now: time.now,
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
  });
  const ports: string[] = [];
  const notices: EngineRestartInfo[] = [];
  const client: EngineClient<string> = {
    deliverPort: (port) => ports.push(port),
    notifyRestarted: (info) => notices.push(info),
  };
  return { supervisor, engines, time, client, ports, notices };
}

describe('engine supervisor', () => {
  it('connects a window to the engine through the two ends of one channel', () => {
    const { supervisor, engines, client, ports } = setup();
    supervisor.start();
    supervisor.connect(client);
    expect(engines).toHaveLength(1);
    expect(engines[0]?.ports).toEqual(['engine-end-1']);
    expect(ports).toEqual(['client-end-1']);
  });

  it('hands a reloaded page a fresh port on the same engine', () => {
    const { supervisor, engines, client, ports } = setup();
    supervisor.start();
    supervisor.connect(client);
    supervisor.connect(client);
    expect(engines).toHaveLength(1);
    expect(engines[0]?.ports).toEqual(['engine-end-1', 'engine-end-2']);
    expect(ports).toEqual(['client-end-1', 'client-end-2']);
  });

  it('restarts a crashed engine, gives the window a new port and tells it why', () => {
    const { supervisor, engines, time, client, ports, notices } = setup();
    supervisor.start();
    supervisor.connect(client);
    engines[0]?.exit(134);
    expect(supervisor.state).toBe('restarting');
    expect(engines).toHaveLength(1); // waits for the restart delay
    time.advance(100);
    expect(engines).toHaveLength(2);
    expect(supervisor.state).toBe('running');
    expect(engines[1]?.ports).toEqual(['engine-end-2']);
    expect(ports).toEqual(['client-end-1', 'client-end-2']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ restarted: true, exitCode: 134, attempt: 1 });
    expect(notices[0]?.message).toContain('exit code 134');
    expect(notices[0]?.message).toContain('restarted');
  });

  it('reports a signal death as such', () => {
    const { supervisor, engines, time, client, notices } = setup();
    supervisor.start();
    supervisor.connect(client);
    engines[0]?.exit(null);
    time.advance(100);
    expect(notices[0]?.exitCode).toBeNull();
    expect(notices[0]?.message).toContain('killed by a signal');
  });

  it('caps a restart storm and says it gave up', () => {
    const { supervisor, engines, time, client, notices } = setup({ maxRestarts: 3, windowMs: 60_000 });
    supervisor.start();
    supervisor.connect(client);
    for (let crash = 0; crash < 3; crash++) {
      engines.at(-1)?.exit(1);
      time.advance(1000); // longer than any restart delay
    }
    expect(engines).toHaveLength(4);
    engines.at(-1)?.exit(1);
    time.advance(10_000);
    expect(engines).toHaveLength(4); // no fifth engine
    expect(supervisor.state).toBe('failed');
    expect(notices.map((notice) => notice.restarted)).toEqual([true, true, true, false]);
    expect(notices.at(-1)?.message).toMatch(/not restarted/);
    expect(time.pending()).toBe(0);
  });

  it('forgets crashes older than the storm window', () => {
    const { supervisor, engines, time, client, notices } = setup({ maxRestarts: 2, windowMs: 60_000 });
    supervisor.start();
    supervisor.connect(client);
    for (let crash = 0; crash < 5; crash++) {
      engines.at(-1)?.exit(1);
      time.advance(61_000);
    }
    expect(engines).toHaveLength(6);
    expect(notices.every((notice) => notice.restarted)).toBe(true);
    expect(supervisor.state).toBe('running');
  });

  it('backs off: each restart in a storm waits longer', () => {
    const { supervisor, engines, time, client } = setup({ maxRestarts: 3 });
    supervisor.start();
    supervisor.connect(client);
    engines.at(-1)?.exit(1);
    time.advance(100);
    expect(engines).toHaveLength(2);
    engines.at(-1)?.exit(1);
    time.advance(100);
    expect(engines).toHaveLength(2); // second restart waits 200 ms
    time.advance(100);
    expect(engines).toHaveLength(3);
  });

  it('a person’s Restart Engine works after giving up and resets the count', () => {
    const { supervisor, engines, time, client, ports } = setup({ maxRestarts: 1 });
    supervisor.start();
    supervisor.connect(client);
    engines.at(-1)?.exit(1);
    time.advance(1000);
    engines.at(-1)?.exit(1);
    expect(supervisor.state).toBe('failed');
    supervisor.restart();
    expect(supervisor.state).toBe('running');
    expect(supervisor.recentRestarts).toBe(0);
    expect(engines).toHaveLength(3);
    expect(ports.at(-1)).toBe('client-end-3');
  });

  it('a manual restart of a running engine kills the old one without counting it as a crash', () => {
    const { supervisor, engines, time, client, notices } = setup();
    supervisor.start();
    supervisor.connect(client);
    supervisor.restart();
    expect(engines[0]?.killed).toBe(true);
    engines[0]?.exit(null); // the old process reports its death later
    time.advance(10_000);
    expect(engines).toHaveLength(2);
    expect(notices).toEqual([]);
  });

  it('stops gracefully and does not restart an engine that exits on request', async () => {
    const { supervisor, engines, time, client, notices } = setup();
    supervisor.start();
    supervisor.connect(client);
    const stopped = supervisor.stop();
    expect(engines[0]?.shutdownRequested).toBe(true);
    engines[0]?.exit(0);
    await stopped;
    time.advance(10_000);
    expect(engines).toHaveLength(1);
    expect(engines[0]?.killed).toBe(false);
    expect(notices).toEqual([]);
    expect(supervisor.state).toBe('stopped');
  });

  it('kills an engine that ignores the shutdown request', async () => {
    const { supervisor, engines, time } = setup();
    supervisor.start();
    const stopped = supervisor.stop();
    time.advance(500);
    await stopped;
    expect(engines[0]?.killed).toBe(true);
  });

  it('sends no port to a window that has gone away', () => {
    const { supervisor, engines, time, client, ports } = setup();
    supervisor.start();
    supervisor.connect(client);
    supervisor.disconnect(client);
    engines[0]?.exit(1);
    time.advance(100);
    expect(engines[1]?.ports).toEqual([]);
    expect(ports).toEqual(['client-end-1']);
  });

  it('a window that connects during a restart gets its port once the engine is back', () => {
    const { supervisor, engines, time, client, ports } = setup();
    supervisor.start();
    engines[0]?.exit(1);
    supervisor.connect(client);
    expect(ports).toEqual([]);
    time.advance(100);
    expect(ports).toEqual(['client-end-1']);
  });
});
