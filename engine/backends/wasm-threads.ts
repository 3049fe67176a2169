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
 * On 2 cores this takes XNNPACK convolutions from ~13 to ~24 GMAC/s. If anything fails, the
 * caller initialises the single-threaded build as before (see candidates.ts).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import type { Tf } from './kernels/kernel-runner';

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

/** Why threads cannot run in this process, or null if they can. */
export function wasmThreadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
  if (typeof process === 'undefined' || !process.versions?.node) return 'not running under Node';
  return null;
}

interface ThreadedBuild {
  /** The pthread worker's source: the threaded main script, then Emscripten's worker script. */
  workerSource: string;
}

function loadThreadedBuild(fromUrl: string): ThreadedBuild {
  const require = createRequire(fromUrl);
  const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = readFileSync(join(packageDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8');
  const { wasmWorkerContents } = require(
    join(packageDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  // The worker script sits in a template literal upstream: its "\n" escapes arrive as real
  // newlines inside string literals, which tfjs re-escapes the same way before making a Blob.
  const workerScript = wasmWorkerContents.replace(/\n/g, '\\n');
  const workerSource = [
    mainScript,
    workerScript,
    // The main script is already defined above; the worker's "load" would import it again.
    'globalThis.importScripts = function () {};',
  ].join('\n');
  return { workerSource };
}

/** A node worker_threads Worker that Emscripten's pthread code can construct with any URL. */
function pthreadWorkerClass(build: ThreadedBuild): typeof NodeWorker {
  return class PthreadWorker extends NodeWorker {
    constructor(_url: string | URL, options?: WorkerOptions) {
      super(build.workerSource, { ...options, eval: true });
    }

    /**
     * Emscripten refs a worker while it runs a pthread; XNNPACK's pool threads run (parked on
     * a futex) for the life of the module, which would keep Node from ever exiting. The main
     * thread waits for their work synchronously, so they never need to keep the loop alive.
     */
    override ref(): void {}
  };
}

/**
 * Runs `initialise` (which must activate the wasm backend, e.g. `tf.setBackend('wasm')`) with
 * the threaded build enabled for `threads` threads. Resolves to whatever `initialise` resolves
 * to; on failure the flag is put back so a retry initialises the single-threaded build.
 */
export async function withWasmThreads<T>(
  tf: Tf,
  threads: number,
  initialise: () => Promise<T>,
  fromUrl: string = import.meta.url,
): Promise<T> {
  const build = loadThreadedBuild(fromUrl);
  const PthreadWorker = pthreadWorkerClass(build);
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
  try {
    const result = await initialise();
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
    throw error;
  } finally {
    os.cpus = cpus;
  }
}
