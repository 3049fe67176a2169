/**
 * The EngineApi runtime: `createClient` turns a transport into a typed EngineApi proxy,
 * `serveApi` answers that proxy's requests with a real engine host. Both run anywhere.
 *
 * @example
 * ```ts
 * const [editorEnd, engineEnd] = createMemoryTransportPair();
 * serveApi(engineEnd, createEngineHost({ dataDir }));
 * const engine = createClient(editorEnd);
 * engine.on('run', (event) => console.log(event.kind));
 * const { runId } = await engine.startRun(request);
 * ```
 */
import type { EngineApi, EngineEvents, EngineMethod } from './api';
import { EngineError, RpcErrorName, toWireError } from './errors';
import { checkArguments, engineMethods, isEngineMethod } from './methods';
import { formatCount, rateLimitedLog } from './rate-limited-log';
import { ListenerSet, type Transport } from './transport';
import { DEFAULT_MAX_MESSAGE_BYTES, decodeMessage, type ResponseMessage, type WireMessage } from './wire';

export type EngineEventName = keyof EngineEvents;
export type EngineEventListener<E extends EngineEventName = EngineEventName> = (
  payload: EngineEvents[E],
) => void;

/** A promise for an engine call that can also be cancelled. */
export type CancellablePromise<T> = Promise<T> & {
  /** Rejects the call with an `AbortError` and tells the engine to drop it. */
  cancel(): void;
};

type Result<M extends EngineMethod> = Awaited<ReturnType<EngineApi[M]>>;

/** The editor's handle on the engine: every EngineApi method, events, cancellation. */
export interface EngineClient extends EngineApi {
  /** Listens to an engine event; returns a function that stops listening. */
  on<E extends EngineEventName>(event: E, listener: EngineEventListener<E>): () => void;
  /** Calls a method with cancellation: pass a signal, or call `.cancel()` on the result. */
  call<M extends EngineMethod>(
    method: M,
    params: Parameters<EngineApi[M]>,
    options?: { signal?: AbortSignal },
  ): CancellablePromise<Result<M>>;
  /** The same API, with every call tied to `signal` (aborting it cancels pending calls). */
  withSignal(signal: AbortSignal): EngineApi;
  /** Called once when the connection to the engine closes. */
  onClose(listener: (reason?: string) => void): () => void;
  readonly closed: boolean;
  /** Closes the transport; pending calls reject with `EngineDisconnected`. */
  close(): void;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: EngineError): void;
}

/** Builds the typed EngineApi proxy over `transport`. */
export function createClient(transport: Transport, options: { maxMessageBytes?: number } = {}): EngineClient {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<string, ListenerSet<[unknown]>>();
  const closeListeners = new ListenerSet<[string | undefined]>();
  let nextId = 1;
  let closed = false;
  let closeReason: string | undefined;

  const settle = (message: ResponseMessage) => {
    if (message.id === null) return; // a complaint about a frame we could not have sent
    const call = pending.get(message.id);
    if (!call) return; // cancelled or unknown: nothing waits for it
    pending.delete(message.id);
    if (message.error) call.reject(EngineError.fromWire(message.error));
    else call.resolve(message.result);
  };

  const handle = (raw: unknown) => {
    const decoded = decodeMessage(raw, maxBytes);
    if (!decoded.ok) return; // the engine is trusted to speak the protocol; ignore noise
    const message: WireMessage = decoded.message;
    if (message.type === 'response') settle(message);
    else if (message.type === 'event') eventListeners.get(message.name)?.emit(message.payload);
  };

  const shutdown = (reason?: string) => {
    if (closed) return;
    closed = true;
    closeReason = reason;
    for (const [, call] of pending) {
      call.reject(
        new EngineError(
          RpcErrorName.disconnected,
          `The engine connection closed${reason ? ` (${reason})` : ''} before ${call.method} was answered.`,
        ),
      );
    }
    pending.clear();
    closeListeners.emit(reason);
    closeListeners.clear();
  };

  const removeMessage = transport.onMessage(handle);
  const removeClose = transport.onClose?.((reason) => {
    removeMessage();
    shutdown(reason);
  });

  function call<M extends EngineMethod>(
    method: M,
    params: Parameters<EngineApi[M]>,
    callOptions: { signal?: AbortSignal } = {},
  ): CancellablePromise<Result<M>> {
    const id = nextId++;
    const signal = callOptions.signal;
    let cancel = () => {};
    const promise = new Promise<Result<M>>((resolve, reject) => {
      if (closed) {
        reject(
          new EngineError(
            RpcErrorName.disconnected,
            `The engine connection is closed${closeReason ? ` (${closeReason})` : ''}; cannot call ${method}.`,
          ),
        );
        return;
      }
      if (signal?.aborted) {
        reject(new EngineError(RpcErrorName.aborted, `${method} was cancelled before it was sent.`));
        return;
      }
      const onAbort = () => cancel();
      const done = () => signal?.removeEventListener('abort', onAbort);
      pending.set(id, {
        method,
        resolve: (value) => {
          done();
          resolve(value as Result<M>);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      cancel = () => {
        const call = pending.get(id);
        if (!call) return;
        pending.delete(id);
        transport.send({ type: 'cancel', id });
        call.reject(new EngineError(RpcErrorName.aborted, `${method} was cancelled.`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      transport.send({ type: 'request', id, method, params: trimTrailingUndefined(params as unknown[]) });
    });
    return Object.assign(promise, { cancel: () => cancel() });
  }

  const buildApi = (signal?: AbortSignal): EngineApi => {
    const api: Record<string, unknown> = {};
    for (const method of engineMethods) {
      api[method] = (...params: unknown[]) => call(method, params as never, { signal });
    }
    return api as unknown as EngineApi;
  };

  const client: EngineClient = Object.assign(buildApi(), {
    on<E extends EngineEventName>(event: E, listener: EngineEventListener<E>) {
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new ListenerSet<[unknown]>()));
      return set.add(listener as (payload: unknown) => void);
    },
    call,
    withSignal: (signal: AbortSignal) => buildApi(signal),
    onClose: (listener: (reason?: string) => void) => {
      if (closed) {
        queueMicrotask(() => listener(closeReason));
        return () => {};
      }
      return closeListeners.add(listener);
    },
    closed: false,
    close() {
      removeMessage();
      removeClose?.();
      transport.close();
      shutdown('closed by the editor');
    },
  });
  // A getter, defined after Object.assign (which would copy a getter's value once).
  Object.defineProperty(client, 'closed', { get: () => closed, enumerable: true });
  return client;
}

/** JSON turns `undefined` in an array into `null`; trailing optional arguments are simply left out. */
function trimTrailingUndefined(params: unknown[]): unknown[] {
  let end = params.length;
  while (end > 0 && params[end - 1] === undefined) end--;
  return params.slice(0, end);
}

/** What `serveApi` needs: the engine (as created by engine/host/engine-host.ts). */
export interface ServedHost {
  api: EngineApi;
  onEvent(listener: <E extends EngineEventName>(name: E, payload: EngineEvents[E]) => void): () => void;
}

export interface ServeOptions {
  /** Refuse text messages longer than this (default 64 MiB). */
  maxMessageBytes?: number;
  /**
   * Told about refused messages (the first few per interval, then one summary line), failed
   * sends and bugs (TypeError & co.) in the host; never about normal traffic.
   */
  log?: (message: string) => void;
  /** How many refused messages are logged one by one per `refusedLogIntervalMs` (default 10). */
  refusedLogBurst?: number;
  /** Default 10 s. */
  refusedLogIntervalMs?: number;
}

/**
 * Answers requests arriving on `transport` with `host.api` and forwards the host's events.
 * Every bad message (not JSON, unknown method, wrong arguments, too big) gets an error
 * response; nothing a client sends can throw out of here. A cancelled request keeps
 * running in the engine (EngineApi methods take no signal) but its answer is dropped.
 * Returns a function that stops serving (the transport is left open).
 */
export function serveApi(transport: Transport, host: ServedHost, options: ServeOptions = {}): () => void {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const log = options.log ?? (() => {});
  // A client sending junk must not be able to fill the engine's log: a few lines, then a count.
  const logRefused = rateLimitedLog(log, {
    burst: options.refusedLogBurst,
    intervalMs: options.refusedLogIntervalMs,
    summary: (count, interval) =>
      `refused ${formatCount(count)} more message${count === 1 ? '' : 's'} in the last ${interval}`,
  });
  const inFlight = new Set<number>();
  let stopped = false;

  const send = (message: WireMessage) => {
    if (stopped) return;
    try {
      transport.send(message);
    } catch (error) {
      log(`could not send a ${message.type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const fail = (id: number | null, name: string, message: string) =>
    send({ type: 'response', id, error: { name, message } });

  const handleRequest = async (id: number, method: string, params: unknown[]) => {
    if (inFlight.has(id)) return fail(id, RpcErrorName.badMessage, `request id ${id} is already in use`);
    if (!isEngineMethod(method))
      return fail(id, RpcErrorName.unknownMethod, `unknown method '${method.slice(0, 60)}'`);
    const checked = checkArguments(method, params);
    if (!checked.ok) return fail(id, checked.error.name, checked.error.message);
    inFlight.add(id);
    try {
      const fn = host.api[method] as (...args: unknown[]) => Promise<unknown>;
      const result = await fn.apply(host.api, checked.args);
      if (inFlight.has(id)) send({ type: 'response', id, result: result === undefined ? null : result });
    } catch (error) {
      // Programming errors reach the caller too, but their stack belongs in the engine's log.
      if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) {
        log(`${method} failed with a bug: ${error.stack ?? error.message}`);
      }
      if (inFlight.has(id)) send({ type: 'response', id, error: toWireError(error) });
    } finally {
      inFlight.delete(id);
    }
  };

  const removeMessage = transport.onMessage((raw) => {
    const decoded = decodeMessage(raw, maxBytes);
    if (!decoded.ok) {
      logRefused(`refused a message: ${decoded.reason}`);
      return fail(decoded.id, RpcErrorName.badMessage, decoded.reason);
    }
    const message = decoded.message;
    if (message.type === 'request') void handleRequest(message.id, message.method, message.params);
    else if (message.type === 'cancel') inFlight.delete(message.id);
    else fail(null, RpcErrorName.badMessage, `the engine does not accept '${message.type}' messages`);
  });
  const removeEvents = host.onEvent((name, payload) => send({ type: 'event', name, payload }));

  const stop = () => {
    if (stopped) return;
    stopped = true;
    removeMessage();
    removeEvents();
    removeClose?.();
    inFlight.clear();
    logRefused.flush();
  };
  const removeClose = transport.onClose?.(stop);
  return stop;
}
