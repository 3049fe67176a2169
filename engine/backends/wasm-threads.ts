/**
 * Multi-threaded XNNPACK for tfjs-backend-wasm under Node.
 *
 * tfjs ships a threaded SIMD build (Emscripten pthreads, a pool of 8 workers) but never uses it
 * under Node: its `WASM_HAS_MULTITHREAD_SUPPORT` flag answers `false` whenever `IS_NODE`
 * (tfjs issue 3830). The Emscripten runtime inside that build does support Node's
 * worker_threads; what stops it is tfjs's browser-only glue around it. Three things bridge it:
 *
 * 1. the flag is set to `true`, so `init()` picks the threaded factory;
 * 2. the pthread workers are started from source text (`eval`), because tfjs hands Emscripten
 *    a `blob:` URL for the worker script and a `Blob` of the main script, neither of which a
 *    Node worker can load. The worker gets the main script's text prepended instead and its
 *    `importScripts` of the Blob becomes a no-op;
 * 3. the XNNPACK pool size: tfjs's C++ caps it at `emscripten_num_logical_cores() / 2` (it
 *    assumes two hyper-threads per core), which is `os.cpus().length / 2` under Node. On a
 *    2-core machine that is one thread, so `os.cpus` reports twice the wanted count while the
 *    module initialises.
 *
 * On 2 cores this takes XNNPACK convolutions from ~18 to ~35 GMAC/s. If anything fails, the
 * caller initialises the single-threaded build as before (see candidates.ts).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import type { Tf } from './kernels/kernel-runner';

const threadedBinary = 'tfjs-backend-wasm-threaded-simd.wasm';

/** XNNPACK's pool never exceeds the 8 pthread workers tfjs's build pre-creates. */
const maxThreads = 8;

/**
 * How many threads the wasm backend should use: `CNN_STUDIO_WASM_THREADS` (1 turns threads
 * off), else every core the machine offers, capped at 8.
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CNN_STUDIO_WASM_THREADS?.trim();
  if (raw !== undefined && raw !== '') {
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(`CNN_STUDIO_WASM_THREADS must be a whole number of threads ≥ 1, got '${raw}'.`);
    }
    return Math.min(parsed, maxThreads);
  }
  return Math.min(os.availableParallelism(), maxThreads);
}

/** Why threads cannot run in this process with the binaries in `wasmDir`, or null if they can. */
export function wasmThreadsUnavailable(wasmDir: string): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
  if (!existsSync(join(wasmDir, threadedBinary))) return `no ${threadedBinary} in '${wasmDir}'`;
  return null;
}

/** The pthread worker's source: the threaded main script, then Emscripten's worker script. */
function threadedWorkerSource(fromUrl: string): string {
  const require = createRequire(fromUrl);
  const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = readFileSync(join(packageDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8');
  const { wasmWorkerContents } = require(
    join(packageDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  // The worker script sits in a template literal upstream: its "\n" escapes arrive as real
  // newlines inside string literals, which tfjs re-escapes the same way before making a Blob.
  const workerScript = wasmWorkerContents.replace(/\n/g, '\\n');
  return [
    mainScript,
    workerScript,
    // The main script is already defined above; the worker's "load" would import it again.
    'globalThis.importScripts = function () {};',
  ].join('\n');
}

/** Options for tests: another worker script, a shorter wait. */
export interface WasmThreadsOptions {
  fromUrl?: string;
  workerSource?: string;
  /** How long the threaded build may take to start (default 30 s; it takes < 1 s). */
  timeoutMs?: number;
}

/**
 * Runs `initialise` (which must activate the wasm backend, e.g. `tf.setBackend('wasm')`) with
 * the threaded build enabled for `threads` threads. Resolves to whatever `initialise` resolves
 * to. Rejects, with the flag put back so that a new `setBackend` starts the single-threaded
 * build, when `initialise` fails, a pthread worker fails to start (Emscripten would rethrow
 * that and crash the process; it is caught here and the workers are stopped) or nothing
 * happens within the timeout.
 */
export async function withWasmThreads<T>(
  tf: Tf,
  threads: number,
  initialise: () => Promise<T>,
  options: WasmThreadsOptions = {},
): Promise<T> {
  const workerSource = options.workerSource ?? threadedWorkerSource(options.fromUrl ?? import.meta.url);
  const started: NodeWorker[] = [];
  let starting = true;
  let failStart: (error: Error) => void = () => {};
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject;
  });

  class PthreadWorker extends NodeWorker {
    constructor(_url: string | URL, workerOptions?: WorkerOptions) {
      super(workerSource, { ...workerOptions, eval: true });
      started.push(this);
    }

    /**
     * Emscripten refs a worker while it runs a pthread; XNNPACK's pool threads run (parked on
     * a futex) for the life of the module, which would keep Node from ever exiting. The main
     * thread waits for their work synchronously, so they never need to keep the loop alive.
     */
    override ref(): void {}

    /** While starting, a worker's error fails the start instead of reaching Emscripten. */
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (starting && event === 'error') {
        const cause = args[0];
        failStart(
          new Error(`a pthread worker failed: ${cause instanceof Error ? cause.message : String(cause)}`),
        );
        return true;
      }
      return super.emit(event, ...args);
    }
  }

  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  // Emscripten assigns `global.Worker = require('worker_threads').Worker` while it starts and
  // then calls `new Worker(url)`: an accessor keeps our class in place through that assignment.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: () => {},
  });
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: threads * 2 }, (_, i) => real[i % real.length]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`it did not start within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([initialise(), startFailed, timedOut]);
    // Emscripten may start further pthread workers later (never beyond its pool of 8 here).
    Object.defineProperty(globalThis, 'Worker', {
      configurable: true,
      writable: true,
      value: PthreadWorker,
    });
    return result;
  } catch (error) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (previousWorker) Object.defineProperty(globalThis, 'Worker', previousWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
    for (const worker of started) void worker.terminate();
    throw error;
  } finally {
    starting = false;
    clearTimeout(timer);
    os.cpus = cpus;
  }
}
