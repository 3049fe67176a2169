import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, selectBackendFrom, type BackendCandidate } from './select';
import { defaultCandidates } from './candidates';
import { applyKernelPatches, removeKernelPatches } from './patches';

const cpuCandidate = defaultCandidates().find((c) => c.name === 'cpu')!;

function failingLoad(name: string, reason: string): BackendCandidate {
  return {
    name,
    load: async () => {
      throw new Error(reason);
    },
    device: async () => 'never',
  };
}

describe('selectBackendFrom', () => {
  it('falls through failing candidates in order and reports why each was skipped', async () => {
    // A backend with no kernels at all: it activates, then fails the smoke test.
    const cpuFactory = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    tf.registerBackend('no-kernels', () => new cpuFactory());
    // A backend whose factory throws: tf.setBackend resolves to false.
    tf.registerBackend('no-device', () => {
      throw new Error('no such device');
    });
    const candidates: BackendCandidate[] = [
      failingLoad('tensorflow-gpu', 'package missing'),
      { name: 'ghost', load: async () => 'no-device', device: async () => 'never' },
      { name: 'empty', load: async () => 'no-kernels', device: async () => 'never' },
      cpuCandidate,
    ];
    const messages: string[] = [];
    const { info, candidate } = await selectBackendFrom(tf, candidates, { log: (m) => messages.push(m) });
    expect(candidate).toBe('cpu');
    expect(info.name).toBe('cpu');
    expect(info.device).toBe('CPU (JavaScript)');
    expect(info.patchedKernels).toEqual(['Conv2DBackpropFilter', 'MaxPoolGrad', 'AvgPoolGrad']);
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'ghost', 'empty']);
    expect(info.skipped[0].reason).toBe('package missing');
    expect(info.skipped[1].reason).toMatch(/setBackend\('no-device'\) returned false/);
    expect(info.skipped[2].reason).toMatch(/not registered for backend 'no-kernels'/);
    expect(messages.at(-1)).toMatch(
      /^backend: cpu — CPU \(JavaScript\); our kernels: Conv2DBackpropFilter, MaxPoolGrad, AvgPoolGrad$/,
    );
    tf.removeBackend('no-kernels');
    tf.removeBackend('no-device');
  });

  it('throws with every reason when nothing can run', async () => {
    const candidates = [failingLoad('a', 'reason A'), failingLoad('b', 'reason B')];
    await expect(selectBackendFrom(tf, candidates)).rejects.toThrow(
      'No compute backend could run (a: reason A; b: reason B).',
    );
  });

  it('a forced backend that cannot load fails with its name and the reason, trying nothing else', async () => {
    await expect(
      selectBackendFrom(tf, defaultCandidates(), { force: 'tensorflow', source: 'CNN_STUDIO_BACKEND' }),
    ).rejects.toThrow(
      /^CNN_STUDIO_BACKEND=tensorflow: the 'tensorflow' backend cannot be used: @tensorflow\/tfjs-node is not installed/,
    );
  });

  it('an unknown forced name lists the valid ones', async () => {
    await expect(selectBackendFrom(tf, defaultCandidates(), { force: 'tpu' })).rejects.toThrow(
      "force: unknown backend 'tpu'; expected one of tensorflow-gpu, tensorflow, webgpu, wasm, cpu.",
    );
  });

  it('skips webgpu under Node, saying why', async () => {
    const webgpu = defaultCandidates().find((c) => c.name === 'webgpu')!;
    await expect(webgpu.load(tf)).rejects.toThrow(/Node has no navigator\.gpu/);
  });
});

describe('selectBackend (the real candidates)', () => {
  afterEach(() => {
    delete process.env.CNN_STUDIO_BACKEND;
  });

  it('CNN_STUDIO_BACKEND naming a backend that cannot load fails clearly', async () => {
    process.env.CNN_STUDIO_BACKEND = 'tensorflow-gpu';
    await expect(selectBackend()).rejects.toThrow(
      /^CNN_STUDIO_BACKEND=tensorflow-gpu: the 'tensorflow-gpu' backend cannot be used: @tensorflow\/tfjs-node-gpu is not installed/,
    );
  });

  it('takes the first backend of the chain that runs, skipping the ones before it with reasons, once per process', async () => {
    // Holds on any machine: a GPU box picks tensorflow-gpu, this one wasm (native packages
    // absent, no WebGPU in Node). The chain's order is the contract, not the machine's answer.
    const chain = defaultCandidates().map((c) => c.name);
    expect(chain).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    const messages: string[] = [];
    const first = await selectBackend({ log: (m) => messages.push(m) });
    const chosenAt = chain.indexOf(first.info.name);
    expect(chosenAt).toBeGreaterThanOrEqual(0);
    expect(first.info.skipped.map((s) => s.name)).toEqual(chain.slice(0, chosenAt));
    for (const skipped of first.info.skipped) expect(skipped.reason.length).toBeGreaterThan(0);
    const active = tf.getBackend();
    const logged = messages.length;
    await tf.setBackend('cpu');
    const again = await selectBackend({ force: first.info.name, log: (m) => messages.push(m) });
    expect(again.info).toBe(first.info);
    expect(messages.length).toBe(logged);
    expect(tf.getBackend()).toBe(active); // switched back to the chosen backend
    if (first.info.name !== 'wasm') return;
    expect(first.info.device).toMatch(/^CPU \(WebAssembly SIMD, \d+ threads?\)$/);
    expect(first.info.patchedKernels).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'Tile',
      'MaxPoolGrad',
      'AvgPoolGrad',
      'Identity',
      'Reverse',
      'Slice',
      'Conv2D',
      'BatchMatMul',
      'Sum',
      'Mean',
    ]);
  });
});

describe('kernel patches in the registry', () => {
  it('replace the stock kernel idempotently and can be removed again', () => {
    const stock = tf.getKernel('MaxPoolGrad', 'cpu')!;
    removeKernelPatches(tf, 'cpu');
    const stockAgain = tf.getKernel('MaxPoolGrad', 'cpu')!;
    expect(applyKernelPatches(tf, 'cpu')).toEqual(['Conv2DBackpropFilter', 'MaxPoolGrad', 'AvgPoolGrad']);
    applyKernelPatches(tf, 'cpu');
    expect(tf.getKernel('MaxPoolGrad', 'cpu')!.kernelFunc).not.toBe(stockAgain.kernelFunc);
    removeKernelPatches(tf, 'cpu');
    expect(tf.getKernel('MaxPoolGrad', 'cpu')!.kernelFunc).toBe(stockAgain.kernelFunc);
    expect(stock).toBeDefined();
  });
});
