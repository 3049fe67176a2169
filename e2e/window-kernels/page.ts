/**
 * The kernel test page: loads tfjs with its webgl and webgpu backends and offers the spec
 * (through `window.kernelPage`) the kernel cases on any backend, the adapter each GPU
 * backend got, and the engine's training-kernel check on the LeNet presets.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { assertTrainingKernels } from '../../engine/backends/kernel-check';
import { compileGraph } from '../../engine/compile/compile';
import { getPreset } from '../../engine/presets/index';
import { runCases, type CaseValues } from './cases';

export interface KernelPage {
  /** Switches to `backend` (throws if it cannot start) and runs every case on it. */
  runCases(backend: string): Promise<CaseValues[]>;
  /** `null` if `backend` has every kernel the preset needs to train, else the check's message. */
  missingTrainingKernel(backend: string, presetId: string): Promise<string | null>;
  /** What the active backend reports about its device (the WebGL renderer, the WebGPU adapter). */
  deviceInfo(backend: string): Promise<string>;
}

// Both GPU backends run small operations on the cpu when their inputs are still there; the
// test wants the GPU kernels themselves.
tf.env().set('WEBGL_CPU_FORWARD', false);
tf.env().set('WEBGPU_CPU_FORWARD', false);

async function use(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not start`);
  await tf.ready();
}

const page: KernelPage = {
  async runCases(backend) {
    await use(backend);
    return runCases(tf);
  },
  async missingTrainingKernel(backend, presetId) {
    await use(backend);
    const model = compileGraph(tf, getPreset(presetId));
    try {
      assertTrainingKernels(tf, model);
      return null;
    } catch (error) {
      return (error as Error).message;
    } finally {
      model.dispose();
    }
  },
  async deviceInfo(backend) {
    await use(backend);
    if (backend === 'webgl') {
      const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
      const debug = gl.getExtension('WEBGL_debug_renderer_info');
      return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    }
    if (backend === 'webgpu') {
      const info = (tf.backend() as unknown as { adapterInfo: { vendor: string; architecture: string } })
        .adapterInfo;
      return `${info.vendor} ${info.architecture}`;
    }
    return backend;
  },
};

(globalThis as unknown as { kernelPage: KernelPage }).kernelPage = page;
document.body.dataset.ready = 'true';
