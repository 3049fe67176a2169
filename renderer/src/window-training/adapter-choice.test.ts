import { describe, expect, it } from 'vitest';
import { chooseWindowBackend, isSoftwareRenderer, type WindowGpuProbe } from './adapter-choice';

const swiftShaderGpu = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: '',
  isFallbackAdapter: true,
};
const swiftShaderGl = {
  renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
};
const nvidiaGpu = {
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3060',
  isFallbackAdapter: false,
};
const intelGl = { renderer: 'ANGLE (Intel, Mesa Intel(R) Xe Graphics (TGL GT2), OpenGL 4.6)' };

describe('chooseWindowBackend', () => {
  it('auto takes a real WebGPU adapter and names vendor, architecture and device', () => {
    const decision = chooseWindowBackend('auto', { webgpu: nvidiaGpu, webgl: intelGl });
    expect(decision).toEqual({
      ok: true,
      choice: {
        name: 'webgpu',
        device: 'nvidia ampere NVIDIA GeForce RTX 3060',
        software: false,
        skipped: [],
      },
    });
  });

  it('auto skips a fallback WebGPU adapter for a real WebGL GPU, saying why', () => {
    const decision = chooseWindowBackend('auto', { webgpu: swiftShaderGpu, webgl: intelGl });
    expect(decision.ok && decision.choice.name).toBe('webgl');
    expect(decision.ok && decision.choice.skipped).toEqual([
      { name: 'webgpu', reason: 'google swiftshader is a software adapter (the CPU), not a GPU' },
    ]);
  });

  it('auto never takes a software adapter: isFallbackAdapter, or lavapipe/llvmpipe/SwiftShader by name', () => {
    const lavapipe = {
      ...nvidiaGpu,
      vendor: 'mesa',
      architecture: '',
      description: 'llvmpipe (LLVM 15.0.6, 256 bits)',
    };
    const probes: WindowGpuProbe[] = [
      { webgpu: swiftShaderGpu, webgl: swiftShaderGl },
      {
        webgpu: { ...lavapipe, isFallbackAdapter: false },
        webgl: { renderer: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
      },
      { webgpu: { unavailable: 'navigator.gpu is missing' }, webgl: { renderer: 'Mesa lavapipe' } },
    ];
    for (const probe of probes) {
      const decision = chooseWindowBackend('auto', probe);
      expect(decision.ok).toBe(false);
      expect(!decision.ok && decision.message).toMatch(
        /^This window has no GPU to train on \(webgpu: .*; webgl: .*\)\.$/,
      );
    }
  });

  it('a backend asked for by name is taken on a software adapter, and the device line says so', () => {
    const decision = chooseWindowBackend('webgl', { webgpu: swiftShaderGpu, webgl: swiftShaderGl });
    expect(decision).toEqual({
      ok: true,
      choice: {
        name: 'webgl',
        device: `${swiftShaderGl.renderer} (software adapter, no GPU)`,
        software: true,
        skipped: [],
      },
    });
  });

  it('a backend asked for by name that is missing is refused with the reason', () => {
    const decision = chooseWindowBackend('webgpu', { webgpu: { unavailable: 'no adapter' }, webgl: intelGl });
    expect(decision).toEqual({
      ok: false,
      message: 'This window cannot train on webgpu: webgpu: no adapter.',
      skipped: [{ name: 'webgpu', reason: 'no adapter' }],
    });
  });
});

describe('isSoftwareRenderer', () => {
  it('knows the CPU rasterizers and leaves real GPUs alone', () => {
    for (const name of [
      'SwiftShader',
      'lavapipe',
      'llvmpipe (LLVM 15)',
      'Microsoft Basic Render Driver',
      'WARP',
    ])
      expect(isSoftwareRenderer(name), name).toBe(true);
    for (const name of [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)',
      'Apple M2',
      'AMD Radeon RX 6800',
      'Intel Arc A770',
    ])
      expect(isSoftwareRenderer(name), name).toBe(false);
  });
});
