/**
 * Keeps the engine process alive for the windows that use it.
 *
 * The engine (training, datasets) runs in its own process so a crash there never takes the
 * editor down: the person's graph lives in the renderer. When the engine exits without
 * being asked to, the supervisor starts a new one, hands every connected window a fresh
 * port, and tells it what happened. A restart storm (an engine that dies right after each
 * start) is capped: after `maxRestarts` restarts within `windowMs` it stops trying and says so.
 *
 * Electron is injected (spawn, channel, timers), so this is tested with fakes.
 */
import type { EngineRestartInfo } from './bridge';

/** One running engine process, as the supervisor drives it. */
export interface EngineProcessHandle<Port> {
  /** Gives the engine one end of a new channel (a new editor connection). */
  sendPort(port: Port): void;
  /** Asks the engine to dispose its host and exit. */
  requestShutdown(): void;
  /** Ends the process now. */
  kill(): void;
  /** Registers an exit listener; `code` is `null` when a signal ended it. */
  onExit(listener: (code: number | null) => void): void;
}

/** A window (or anything) that talks to the engine through a port. */
export interface EngineClient<Port> {
  deliverPort(port: Port): void;
  notifyRestarted(info: EngineRestartInfo): void;
}

export interface EngineSupervisorOptions<Port> {
  spawnEngine(): EngineProcessHandle<Port>;
  /** A connected pair: one end for the engine, one for the client. */
  createChannel(): { enginePort: Port; clientPort: Port };
  /** Restarts allowed within `windowMs` before giving up (default 3). */
  maxRestarts?: number;
  /** The storm window in milliseconds (default 60 000). */
  windowMs?: number;
  /** Wait before restarting, times the attempt number (default 250 ms). */
  restartDelayMs?: number;
  /** How long `stop()` waits for a graceful exit before killing (default 3000 ms). */
  shutdownTimeoutMs?: number;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  log?: (message: string) => void;
}

export type EngineState = 'idle' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface EngineSupervisor<Port> {
  readonly state: EngineState;
  /** Restarts within the current storm window. */
  readonly recentRestarts: number;
  /** Starts the engine (once). */
  start(): void;
  /**
   * Connects a client: it gets a fresh port now (or as soon as a restart finishes), and a
   * new one after every restart. Calling it again for the same client (a page reload)
   * just hands it another fresh port.
   */
  connect(client: EngineClient<Port>): void;
  disconnect(client: EngineClient<Port>): void;
  /** A restart asked for by the person (e.g. after the supervisor gave up); resets the storm count. */
  restart(): void;
  /** Shuts the engine down for good: a graceful request, then a kill after the timeout. */
  stop(): Promise<void>;
}

export function createEngineSupervisor<Port>(options: EngineSupervisorOptions<Port>): EngineSupervisor<Port> {
  const maxRestarts = options.maxRestarts ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  const restartDelayMs = options.restartDelayMs ?? 250;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 3000;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const log = options.log ?? (() => {});

  const clients = new Set<EngineClient<Port>>();
  /** Times of the unexpected exits that led to restarts, newest last. */
  let restartTimes: number[] = [];
  let state: EngineState = 'idle';
  let engine: EngineProcessHandle<Port> | null = null;
  let pendingRestart: unknown = null;
  let stopping: Promise<void> | null = null;

  function connectClient(client: EngineClient<Port>): void {
    if (!engine || state !== 'running') return;
    const { enginePort, clientPort } = options.createChannel();
    engine.sendPort(enginePort);
    client.deliverPort(clientPort);
  }

  function spawn(): void {
    const spawned = options.spawnEngine();
    engine = spawned;
    state = 'running';
    spawned.onExit((code) => onEngineExit(spawned, code));
  }

  function notifyAll(info: EngineRestartInfo): void {
    for (const client of clients) client.notifyRestarted(info);
  }

  function onEngineExit(exited: EngineProcessHandle<Port>, code: number | null): void {
    if (exited !== engine) return; // an old process, already replaced
    engine = null;
    if (state === 'stopped' || stopping) return;
    const at = now();
    restartTimes = restartTimes.filter((time) => at - time < windowMs);
    const codeText = code === null ? 'killed by a signal' : `exit code ${code}`;
    if (restartTimes.length >= maxRestarts) {
      state = 'failed';
      log(
        `engine exited (${codeText}); ${restartTimes.length} restarts within ${windowMs / 1000}s, giving up`,
      );
      notifyAll({
        restarted: false,
        exitCode: code,
        attempt: restartTimes.length,
        at: new Date(at).toISOString(),
        message:
          `The engine stopped unexpectedly (${codeText}) again, after ${restartTimes.length} restarts ` +
          `within ${Math.round(windowMs / 1000)} seconds, so it was not restarted. Your graph is untouched: ` +
          'save it, then use Engine › Restart Engine or restart CNN Studio.',
      });
      return;
    }
    restartTimes.push(at);
    const attempt = restartTimes.length;
    state = 'restarting';
    log(`engine exited (${codeText}); restart ${attempt} of at most ${maxRestarts}`);
    pendingRestart = setTimer(() => {
      pendingRestart = null;
      if (state !== 'restarting') return;
      spawn();
      for (const client of clients) connectClient(client);
      notifyAll({
        restarted: true,
        exitCode: code,
        attempt,
        at: new Date(at).toISOString(),
        message: `The engine stopped unexpectedly (${codeText}) and was restarted. Your graph is untouched; a training run that was in progress has ended.`,
      });
    }, restartDelayMs * attempt);
  }

  return {
    get state() {
      return state;
    },
    get recentRestarts() {
      const at = now();
      return restartTimes.filter((time) => at - time < windowMs).length;
    },
    start() {
      if (state !== 'idle') return;
      spawn();
    },
    connect(client) {
      clients.add(client);
      connectClient(client);
    },
    disconnect(client) {
      clients.delete(client);
    },
    restart() {
      if (state === 'stopped' || stopping) return;
      restartTimes = [];
      if (pendingRestart !== null) clearTimer(pendingRestart);
      pendingRestart = null;
      const old = engine;
      engine = null; // its exit, when it comes, is no longer "unexpected"
      old?.kill();
      spawn();
      for (const client of clients) connectClient(client);
    },
    stop() {
      if (stopping) return stopping;
      if (pendingRestart !== null) clearTimer(pendingRestart);
      pendingRestart = null;
      const current = engine;
      state = 'stopped';
      if (!current) {
        stopping = Promise.resolve();
        return stopping;
      }
      stopping = new Promise<void>((resolve) => {
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          engine = null;
          resolve();
        };
        const timer = setTimer(() => {
          log(`engine did not exit within ${shutdownTimeoutMs} ms; killing it`);
          current.kill();
          finish();
        }, shutdownTimeoutMs);
        current.onExit(() => {
          clearTimer(timer);
          finish();
        });
        current.requestShutdown();
      });
      return stopping;
    },
  };
}
