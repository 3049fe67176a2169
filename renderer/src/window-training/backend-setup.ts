/**
 * Starting a window backend for training, with the settings training needs on it.
 *
 * WebGPU: tfjs-backend-webgpu 4.22 records up to 15 dispatches before submitting them
 * (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE). In a training step that corrupts weights: measured
 * in Chromium 156 (SwiftShader), one SGD step of LeNet left conv1/conv2/dense1 up to 18 %
 * off `w − lr·g` while the same step submitted one dispatch at a time matched cpu to 1e-8
 * (e2e/window-kernels.spec.ts, "training steps"). The likely cause is a freed buffer being
 * reused and written by `queue.writeBuffer`, which runs before the not yet submitted passes
 * that still read it. Submitting each dispatch costs some speed and is correct.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { WindowBackendName } from './adapter-choice';

/** Sets the backend's training flags, switches to it and waits until it is ready; false if it did not start. */
export async function startTrainingBackend(tf: typeof tfjs, name: WindowBackendName): Promise<boolean> {
  if (name === 'webgpu') tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  return true;
}
