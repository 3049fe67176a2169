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
import { createOptimizer } from '../../engine/train/optimizer';
import { createRandom, withRandom } from '../../engine/train/seeded-random';
import { crossEntropy, trainStep } from '../../engine/train/step';
import { startTrainingBackend } from '../../renderer/src/window-training/backend-setup';
import { runCases, seededValues, type CaseValues } from './cases';

export interface KernelPage {
  /** Switches to `backend` (throws if it cannot start) and runs every case on it. */
  runCases(backend: string): Promise<CaseValues[]>;
  /** `null` if `backend` has every kernel the preset needs to train, else the check's message. */
  missingTrainingKernel(backend: string, presetId: string): Promise<string | null>;
  /**
   * `steps` training steps of a preset (the engine's trainStep and optimizer, seeded weights,
   * one fixed batch of 16): the loss of each step and the weights after the last.
   */
  trainSteps(
    backend: string,
    presetId: string,
    optimizer: 'adam' | 'sgd',
    steps: number,
  ): Promise<{ losses: number[]; weights: number[] }>;
  /** Gradients of the loss of one fixed batch of 8 with respect to every trainable weight, by weight name. */
  modelGradients(backend: string, presetId: string): Promise<Array<{ name: string; values: number[] }>>;
  /** What the active backend reports about its device (the WebGL renderer, the WebGPU adapter). */
  deviceInfo(backend: string): Promise<string>;
}

// Both GPU backends run small operations on the cpu when their inputs are still there; the
// test wants the GPU kernels themselves.
tf.env().set('WEBGL_CPU_FORWARD', false);
tf.env().set('WEBGPU_CPU_FORWARD', false);

/** Switches backends as the window's training worker does (with its WebGPU training flags). */
async function use(backend: string): Promise<void> {
  const started =
    backend === 'webgpu' || backend === 'webgl'
      ? await startTrainingBackend(tf, backend)
      : await tf.setBackend(backend);
  if (!started) throw new Error(`the ${backend} backend did not start`);
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
  async trainSteps(backend, presetId, optimizerName, steps) {
    await use(backend);
    const graph = getPreset(presetId);
    const model = withRandom(createRandom(0), () => compileGraph(tf, graph));
    const settings = {
      ...graph.training,
      optimizer: optimizerName,
      learningRate: optimizerName === 'adam' ? 0.005 : 0.1,
    };
    const optimizer = createOptimizer(tf, settings);
    const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
    const xs = tf.tensor4d(
      seededValues('batch', 16 * h * w * c).map((v) => (v + 1) / 2),
      [16, h, w, c],
    );
    const labels = tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 10),
      'int32',
    );
    const losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      const result = trainStep(
        { tf, model, optimizer, classCount: 10, outputIsProbabilities: false, gradientClip: 0 },
        xs,
        labels,
        settings.learningRate,
      );
      losses.push((await result.data())[0]);
      result.dispose();
    }
    const weights: number[] = [];
    for (const weight of model.getWeights()) weights.push(...(await weight.data()));
    tf.dispose([xs, labels]);
    optimizer.dispose();
    model.dispose();
    return { losses, weights };
  },
  async modelGradients(backend, presetId) {
    await use(backend);
    const graph = getPreset(presetId);
    const model = withRandom(createRandom(0), () => compileGraph(tf, graph));
    const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
    const xs = tf.tensor4d(
      seededValues('batch', 8 * h * w * c).map((v) => (v + 1) / 2),
      [8, h, w, c],
    );
    const labels = tf.tensor1d(
      Array.from({ length: 8 }, (_, i) => i % 10),
      'int32',
    );
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => crossEntropy(tf, labels, model.apply(xs, { training: true }) as tf.Tensor, 10, false),
      variables,
    );
    // By position: tfjs numbers layer names per page, so a second compile has other names.
    const result: Array<{ name: string; values: number[] }> = [];
    for (const variable of variables) {
      result.push({
        name: variable.name.replace(/_\d+(?=\/)|_\d+$/g, ''),
        values: Array.from(await grads[variable.name].data()),
      });
    }
    tf.dispose([xs, labels, ...Object.values(grads)]);
    model.dispose();
    return result;
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
