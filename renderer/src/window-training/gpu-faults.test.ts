import { describe, expect, it } from 'vitest';
import {
  batchSizeThatFits,
  isGpuOutOfMemory,
  watchGpuFaults,
  webGlContextLost,
  type GpuFault,
} from './gpu-faults';

/** A fake tfjs webgpu backend whose device can be lost or report an uncaptured error. */
function fakeWebGpu() {
  let lose!: (info: { message: string; reason?: string }) => void;
  const errors = new EventTarget();
  const device = {
    lost: new Promise<{ message?: string; reason?: string }>((resolve) => (lose = resolve)),
    addEventListener: (type: string, listener: (event: { error: { message?: string } }) => void) =>
      errors.addEventListener(type, (event) => listener(event as unknown as { error: { message?: string } })),
  };
  const uncaptured = (error: object) =>
    errors.dispatchEvent(Object.assign(new Event('uncapturederror'), { error }));
  return { backend: { device }, lose, uncaptured };
}

/** A fake tfjs webgl backend whose canvas can lose its context. */
function fakeWebGl() {
  const canvas = new EventTarget();
  return {
    backend: { gpgpu: { gl: { canvas } } },
    loseContext: () => canvas.dispatchEvent(new Event('webglcontextlost')),
  };
}

class GPUOutOfMemoryError extends Error {}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('watchGpuFaults', () => {
  it('a lost WebGPU device fails the run once, saying the last checkpoint is kept', async () => {
    const gpu = fakeWebGpu();
    const faults: GpuFault[] = [];
    expect(watchGpuFaults(gpu.backend, { backend: 'webgpu', batchSize: 64 }, (f) => faults.push(f))).toBe(
      true,
    );
    gpu.lose({ message: 'Device was destroyed.', reason: 'destroyed' });
    await settle();
    gpu.uncaptured(new GPUOutOfMemoryError('later'));
    expect(faults).toEqual([
      {
        kind: 'device-lost',
        message:
          'The GPU was lost while training on webgpu (Device was destroyed). The run stopped here and keeps its last checkpoint: resume it to continue from the last finished epoch.',
      },
    ]);
  });

  it('WebGPU out of memory names a batch size that fits', () => {
    const gpu = fakeWebGpu();
    const faults: GpuFault[] = [];
    watchGpuFaults(gpu.backend, { backend: 'webgpu', batchSize: 256 }, (f) => faults.push(f));
    gpu.uncaptured(new GPUOutOfMemoryError('Failed to allocate buffer'));
    expect(faults).toEqual([
      {
        kind: 'out-of-memory',
        message:
          'The GPU ran out of memory training on webgpu with batch size 256 — try batch size 128, which needs about half the GPU memory per step.',
      },
    ]);
  });

  it('a kernel WebGPU refused (a validation error) fails the run instead of training on wrong numbers', () => {
    const gpu = fakeWebGpu();
    const faults: GpuFault[] = [];
    watchGpuFaults(gpu.backend, { backend: 'webgpu', batchSize: 64 }, (f) => faults.push(f));
    // Chromium's wording when tfjs-backend-webgpu's AddN binds more inputs than the adapter allows.
    gpu.uncaptured({
      message:
        'The number of storage buffers (19) in the Compute stage exceeds the maximum per-stage limit (8).\n' +
        ' - While validating binding counts\n - While calling [Device].CreateComputePipeline(...).',
    });
    gpu.uncaptured({
      message: '[Invalid ComputePipeline "AddNPackedProgram2"] is invalid due to a previous error.',
    });
    expect(faults).toEqual([
      {
        kind: 'kernel-refused',
        message:
          'The GPU refused a training kernel on webgpu (The number of storage buffers (19) in the Compute stage exceeds the maximum per-stage limit (8)). ' +
          'The run stopped rather than go on with wrong numbers; it keeps its last checkpoint. Train this model on webgl or in the engine.',
      },
    ]);
  });

  it('a lost WebGL context fails the run', () => {
    const gl = fakeWebGl();
    const faults: GpuFault[] = [];
    watchGpuFaults(gl.backend, { backend: 'webgl', batchSize: 32 }, (f) => faults.push(f));
    gl.loseContext();
    gl.loseContext();
    expect(faults.map((f) => f.kind)).toEqual(['device-lost']);
    expect(faults[0].message).toMatch(
      /^The GPU was lost while training on webgl \(the WebGL context was lost\)/,
    );
  });

  it('knows a WebGL context lost before its event arrives', () => {
    expect(webGlContextLost({ gpgpu: { gl: { canvas: {}, isContextLost: () => true } } })).toBe(true);
    expect(webGlContextLost({ gpgpu: { gl: { canvas: {}, isContextLost: () => false } } })).toBe(false);
    expect(webGlContextLost({})).toBe(false);
  });

  it('says when a backend offers nothing to watch', () => {
    expect(watchGpuFaults({}, { backend: 'webgl', batchSize: 1 }, () => {})).toBe(false);
    expect(watchGpuFaults({}, { backend: 'webgpu', batchSize: 1 }, () => {})).toBe(false);
  });
});

describe('out of GPU memory', () => {
  it('is recognised from WebGPU and WebGL errors, not from others', () => {
    expect(isGpuOutOfMemory(new GPUOutOfMemoryError('x'))).toBe(true);
    expect(isGpuOutOfMemory(new Error('Unable to create WebGLTexture.'))).toBe(true);
    expect(isGpuOutOfMemory(new Error('WebGL error: OUT_OF_MEMORY'))).toBe(true);
    expect(isGpuOutOfMemory(new Error('loss became NaN'))).toBe(false);
    expect(isGpuOutOfMemory('out of memory')).toBe(false);
  });

  it('suggests half the batch size, at least 1', () => {
    expect([256, 3, 1].map(batchSizeThatFits)).toEqual([128, 1, 1]);
  });
});
