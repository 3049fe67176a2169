import type { KernelConfig } from '@tensorflow/tfjs';
import type { Tf } from './kernels/kernel-runner';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './kernels/conv2d-backprop-input';
import { wasmTileConfig } from './kernels/wasm-tile';
import { cpuMaxPoolGradConfig } from './kernels/cpu-max-pool-grad';

/**
 * Our training kernels for one backend. Native tfjs-node and webgpu get none: their stock
 * kernels are already fast. See engine/backends/README.md for what each one replaces and why.
 */
export function kernelPatchesFor(tf: Tf, backendName: string): KernelConfig[] {
  switch (backendName) {
    case 'wasm':
      return [
        conv2dBackpropFilterConfig(tf, 'wasm'),
        conv2dBackpropInputConfig(tf, 'wasm'),
        wasmTileConfig(),
      ];
    case 'cpu':
      return [conv2dBackpropFilterConfig(tf, 'cpu'), cpuMaxPoolGradConfig(tf)];
    default:
      return [];
  }
}

/** Stock kernels we replaced, by `backend/kernel`, so they can be put back (benchmarks, tests). */
const stockKernels = new Map<string, KernelConfig | null>();

/**
 * Registers `backendName`'s training kernels in tfjs's kernel registry, replacing the stock
 * ones (kept for `removeKernelPatches`). Idempotent. Returns the patched kernel names.
 */
export function applyKernelPatches(tf: Tf, backendName: string): string[] {
  const patches = kernelPatchesFor(tf, backendName);
  for (const patch of patches) {
    const key = `${backendName}/${patch.kernelName}`;
    if (!stockKernels.has(key)) stockKernels.set(key, tf.getKernel(patch.kernelName, backendName) ?? null);
    if (tf.getKernel(patch.kernelName, backendName)) tf.unregisterKernel(patch.kernelName, backendName);
    tf.registerKernel(patch);
  }
  return patches.map((p) => p.kernelName);
}

/** Puts the stock kernels back (or leaves none where the backend had none). */
export function removeKernelPatches(tf: Tf, backendName: string): void {
  for (const [key, stock] of stockKernels) {
    const [backend, kernelName] = key.split('/');
    if (backend !== backendName) continue;
    if (tf.getKernel(kernelName, backend)) tf.unregisterKernel(kernelName, backend);
    if (stock) tf.registerKernel(stock);
    stockKernels.delete(key);
  }
}
