import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../../../engine/protocol/api';
import type { WindowGpuProbe } from './adapter-choice';
import { chooseAutoPlacement, type EngineAutoFacts } from './auto-choice';

const cuda: BackendInfo = { name: 'tensorflow', device: 'CUDA GPU', skipped: [], patchedKernels: [] };
const torchCuda: BackendInfo = {
  name: 'pytorch',
  device: 'NVIDIA GeForce RTX 3060 (CUDA), PyTorch 2.3',
  skipped: [{ name: 'tfjs-node-gpu', reason: 'not installed' }],
  patchedKernels: [],
};
const cpu: BackendInfo = {
  name: 'pytorch',
  device: 'CPU (2 cores), PyTorch 1.13',
  skipped: [],
  patchedKernels: [],
};
const onGpu = (backend: BackendInfo): EngineAutoFacts => ({ choice: { backend, error: null }, onGpu: true });
const onCpu = (backend: BackendInfo): EngineAutoFacts => ({ choice: { backend, error: null }, onGpu: false });

const realWebGpu: WindowGpuProbe['webgpu'] = {
  vendor: 'apple',
  architecture: 'metal-3',
  device: '',
  description: 'Apple M2',
  isFallbackAdapter: false,
};
const fallbackWebGpu: WindowGpuProbe['webgpu'] = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: '',
  isFallbackAdapter: true,
};
const realWebGl = { renderer: 'ANGLE (Intel, Mesa Intel(R) Xe Graphics (TGL GT2), OpenGL 4.6)' };
const swiftShaderGl = {
  renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
};

describe('chooseAutoPlacement', () => {
  it('takes a GPU in the engine first (tfjs-node-gpu or PyTorch), naming the window GPUs passed over', () => {
    for (const backend of [cuda, torchCuda]) {
      const placement = chooseAutoPlacement(onGpu(backend), { webgpu: realWebGpu, webgl: realWebGl });
      expect(placement.where).toBe('engine');
      expect(placement.where === 'engine' && placement.backend.name).toBe(backend.name);
      expect(placement.where === 'engine' && placement.backend.skipped).toEqual([
        ...backend.skipped,
        { name: 'webgpu', reason: `the engine has a GPU (${backend.device})` },
        { name: 'webgl', reason: `the engine has a GPU (${backend.device})` },
      ]);
    }
  });

  it('without a GPU in the engine, takes the window WebGPU, saying why the engine was passed over', () => {
    const placement = chooseAutoPlacement(onCpu(cpu), { webgpu: realWebGpu, webgl: realWebGl });
    expect(placement).toEqual({
      where: 'window',
      backend: {
        name: 'webgpu',
        device: 'apple metal-3 Apple M2, in the window',
        skipped: [
          {
            name: 'pytorch',
            reason: 'the engine has no GPU (it would train on CPU (2 cores), PyTorch 1.13)',
          },
        ],
        patchedKernels: [],
      },
    });
  });

  it('then WebGL, never a software WebGPU adapter', () => {
    const placement = chooseAutoPlacement(onCpu(cpu), { webgpu: fallbackWebGpu, webgl: realWebGl });
    expect(placement.where).toBe('window');
    expect(placement.where === 'window' && placement.backend.name).toBe('webgl');
    expect(placement.where === 'window' && placement.backend.skipped.map((s) => s.name)).toEqual([
      'pytorch',
      'webgpu',
    ]);
    expect(placement.where === 'window' && placement.backend.skipped[1].reason).toMatch(/software adapter/);
  });

  it('with software adapters only (SwiftShader, llvmpipe), stays with the engine on the CPU and says why', () => {
    for (const webgl of [swiftShaderGl, { renderer: 'llvmpipe (LLVM 15.0.6, 256 bits)' }]) {
      const placement = chooseAutoPlacement(onCpu(cpu), { webgpu: fallbackWebGpu, webgl });
      expect(placement.where).toBe('engine');
      expect(placement.where === 'engine' && placement.backend.skipped.map((s) => s.name)).toEqual([
        'webgpu',
        'webgl',
      ]);
      expect(
        placement.where === 'engine' && placement.backend.skipped.every((s) => /software/.test(s.reason)),
      ).toBe(true);
    }
  });

  it('keeps the engine choice while the window is not probed, and reports an engine that cannot train', () => {
    expect(chooseAutoPlacement(onCpu(cpu), null)).toEqual({ where: 'engine', backend: cpu });
    const refused: EngineAutoFacts = { choice: { backend: null, error: 'torch is broken' }, onGpu: false };
    expect(chooseAutoPlacement(refused, { webgpu: fallbackWebGpu, webgl: swiftShaderGl })).toEqual({
      where: 'none',
      error: 'torch is broken',
    });
    // …but a real window GPU still trains.
    expect(
      chooseAutoPlacement(refused, { webgpu: { unavailable: 'no adapter' }, webgl: realWebGl }).where,
    ).toBe('window');
  });
});
