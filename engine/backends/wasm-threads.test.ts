import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { initWasm, randomArray, relativeError } from './kernels/test-support';
import { wantedWasmThreads, wasmThreadsUnavailable, withWasmThreads } from './wasm-threads';
import { wasmBinaryDir } from './wasm-paths';

/** A tiny `cnn-studio bench` run through the built CLI, as a person would start it. */
function benchLenetThroughCli(env: Record<string, string>) {
  const args = [
    'bench',
    '--preset',
    'lenet',
    '--batch-size',
    '8',
    '--seconds',
    '0.2',
    '--no-torch',
    '--json',
  ];
  return spawnSync(process.execPath, ['bin/cnn-studio.mjs', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
}

describe('wantedWasmThreads', () => {
  it('defaults to every core, capped at the 8 pthread workers of the build', () => {
    expect(wantedWasmThreads({})).toBe(Math.min(os.availableParallelism(), 8));
  });

  it('takes CNN_STUDIO_WASM_THREADS, capped at 8', () => {
    expect(wantedWasmThreads({ CNN_STUDIO_WASM_THREADS: '1' })).toBe(1);
    expect(wantedWasmThreads({ CNN_STUDIO_WASM_THREADS: ' 3 ' })).toBe(3);
    expect(wantedWasmThreads({ CNN_STUDIO_WASM_THREADS: '64' })).toBe(8);
  });

  it('names the variable and the bad value', () => {
    expect(() => wantedWasmThreads({ CNN_STUDIO_WASM_THREADS: '0' })).toThrow(
      "CNN_STUDIO_WASM_THREADS must be a whole number of threads ≥ 1, got '0'.",
    );
    expect(() => wantedWasmThreads({ CNN_STUDIO_WASM_THREADS: 'many' })).toThrow(/got 'many'/);
  });
});

describe('withWasmThreads', () => {
  it('puts the flag, os.cpus and the global Worker back when starting fails', async () => {
    const cpus = os.cpus;
    const hadWorker = 'Worker' in globalThis;
    // tfjs answers false under Node; we only ever set it while starting the threaded build.
    const flagBefore = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    let cpusDuringStart = 0;
    await expect(
      withWasmThreads(tf, 3, async () => {
        cpusDuringStart = os.cpus().length;
        expect(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(true);
        throw new Error('the threaded build did not start');
      }),
    ).rejects.toThrow('the threaded build did not start');
    // tfjs's C++ caps its pool at logical cores / 2: twice the wanted count while it starts.
    expect(cpusDuringStart).toBe(6);
    expect(os.cpus).toBe(cpus);
    expect(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect('Worker' in globalThis).toBe(hadWorker);
    expect(flagBefore).toBe(false);
  });

  it('fails the start, without crashing, when a pthread worker fails, and stops the workers', async () => {
    const workers: Array<{ threadId: number }> = [];
    await expect(
      withWasmThreads(
        tf,
        2,
        () => {
          const Worker = (globalThis as unknown as { Worker: new (url: string) => { threadId: number } })
            .Worker;
          workers.push(new Worker('ignored'));
          return new Promise<never>(() => {});
        },
        { workerSource: 'throw new Error("boom")' },
      ),
    ).rejects.toThrow('a pthread worker failed: boom');
    expect(workers).toHaveLength(1);
    expect(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });

  it('gives up when the threaded build does not start in time', async () => {
    await expect(
      withWasmThreads(tf, 2, () => new Promise<never>(() => {}), { workerSource: '', timeoutMs: 50 }),
    ).rejects.toThrow('it did not start within 0 s');
    expect(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });
});

describe('the wasm backend under Node', () => {
  beforeAll(initWasm);

  it('starts XNNPACK with one thread per core', () => {
    expect(getThreadsCount()).toBe(Math.min(os.availableParallelism(), 8));
  });

  it('computes a multi-threaded convolution like the cpu backend', async () => {
    // Large enough that XNNPACK splits it over its threads.
    const xValues = randomArray(4 * 20 * 20 * 16, 1);
    const wValues = randomArray(3 * 3 * 16 * 24, 2);
    const conv = () =>
      tf.tidy(() =>
        tf.conv2d(tf.tensor4d(xValues, [4, 20, 20, 16]), tf.tensor4d(wValues, [3, 3, 16, 24]), 2, 'same'),
      );
    await tf.setBackend('wasm');
    const onWasm = conv();
    const wasmValues = await onWasm.data();
    onWasm.dispose();
    await tf.setBackend('cpu');
    const onCpu = conv();
    const cpuValues = await onCpu.data();
    onCpu.dispose();
    await tf.setBackend('wasm');
    expect(relativeError(wasmValues as Float32Array, cpuValues as Float32Array)).toBeLessThan(1e-5);
  });

  // The pool's threads stay parked for the life of the module: they must not keep Node alive.
  it('lets the process exit once the work is done', () => {
    const result = benchLenetThroughCli({});
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    const row = JSON.parse(result.stdout) as { backend: string; device: string };
    expect(row.backend).toBe('wasm');
    const threads = Math.min(os.availableParallelism(), 8);
    expect(row.device).toBe(`CPU (WebAssembly SIMD, ${threads} thread${threads === 1 ? '' : 's'})`);
  });

  it('falls back to one thread, saying why, when the threaded binary is missing', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'wasm-no-threads-'));
    try {
      for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
        copyFileSync(join(wasmBinaryDir(), file), join(dir, file));
      }
      expect(wasmThreadsUnavailable(dir)).toBe(`no tfjs-backend-wasm-threaded-simd.wasm in '${dir}'`);
      const result = benchLenetThroughCli({ CNN_STUDIO_WASM_DIR: dir });
      expect(result.status).toBe(0);
      const row = JSON.parse(result.stdout) as { device: string };
      expect(row.device).toMatch(
        /^CPU \(WebAssembly SIMD, 1 thread; threads did not start: no tfjs-backend-wasm-threaded-simd\.wasm in /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
