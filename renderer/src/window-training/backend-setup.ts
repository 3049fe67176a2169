/**
 * Starting a window backend for training.
 *
 * WebGPU keeps tfjs-backend-webgpu's default of recording up to 15 dispatches before
 * submitting them. An earlier version submitted each dispatch alone because one SGD step of
 * LeNet left weights up to 18 % off `w − lr·g` with batching; the cause was not batching but
 * a sum of 18 gradients in one `tf.addN`, whose pipeline binds more storage buffers than the
 * adapter allows (8): the invalid pipeline made the whole command buffer — the 14 dispatches
 * queued with it — be dropped. Sums now go in groups (engine/train/gradients.ts), the kernel
 * tests check that no WebGPU error is raised, and the worker fails a run on any such error.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { WindowBackendName } from './adapter-choice';

/** Switches to the backend and waits until it is ready; false if it did not start. */
export async function startTrainingBackend(tf: typeof tfjs, name: WindowBackendName): Promise<boolean> {
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  return true;
}
