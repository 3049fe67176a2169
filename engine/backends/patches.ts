import type { KernelConfig } from '@tensorflow/tfjs';
import type { Tf } from './kernels/kernel-runner';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './kernels/conv2d-backprop-input';
import { wasmTileConfig } from './kernels/wasm-tile';
import { poolGradConfig } from './kernels/pool-grad';
import { wasmIdentityConfig } from './kernels/wasm-identity';
import { wasmBatchMatMulConfig } from './kernels/wasm-batch-mat-mul';
import { wasmLeadingReduceConfig } from './kernels/wasm-reduce';
import { wasmReverseConfig } from './kernels/wasm-reverse';
import { wasmSliceConfig } from './kernels/wasm-slice';
import { wasmConv2DConfig } from './kernels/wasm-conv2d';

/** Stock kernels we replaced, by `backend/kernel` (null: the backend had none). */
const stockKernels = new Map<string, KernelConfig | null>();

/** The backend's own kernel, even after we replaced it. */
function stockKernel(tf: Tf, backendName: string, kernelName: string): KernelConfig {
  const key = `${backendName}/${kernelName}`;
  const stock = stockKernels.has(key) ? stockKernels.get(key) : tf.getKernel(kernelName, backendName);
  if (!stock) throw new Error(`Backend '${backendName}' has no stock '${kernelName}' kernel to build on.`);
  return stock;
}

/**
 * Our training kernels for one backend, each measured to matter (engine/backends/README.md).
 * Native tfjs-node and webgpu get none: their stock kernels are already fast.
 */
export function kernelPatchesFor(tf: Tf, backendName: string): KernelConfig[] {
  switch (backendName) {
    case 'wasm':
      return [
        conv2dBackpropFilterConfig(tf, 'wasm'),
        conv2dBackpropInputConfig(tf, 'wasm'),
        wasmTileConfig(),
        poolGradConfig(tf, 'MaxPoolGrad', 'wasm'),
        poolGradConfig(tf, 'AvgPoolGrad', 'wasm'),
        wasmIdentityConfig(),
        wasmReverseConfig(),
        wasmSliceConfig(tf, stockKernel(tf, 'wasm', 'Slice')),
        wasmConv2DConfig(tf, stockKernel(tf, 'wasm', 'Conv2D')),
        wasmBatchMatMulConfig(tf, stockKernel(tf, 'wasm', 'BatchMatMul')),
        wasmLeadingReduceConfig(tf, 'Sum', stockKernel(tf, 'wasm', 'Sum')),
        wasmLeadingReduceConfig(tf, 'Mean', stockKernel(tf, 'wasm', 'Mean')),
      ];
    case 'cpu':
      return [
        conv2dBackpropFilterConfig(tf, 'cpu'),
        poolGradConfig(tf, 'MaxPoolGrad', 'cpu'),
        poolGradConfig(tf, 'AvgPoolGrad', 'cpu'),
      ];
    default:
      return [];
  }
}

/**
 * Registers `backendName`'s training kernels in tfjs's kernel registry, replacing the stock
 * ones (kept for `removeKernelPatches`). Idempotent. Returns the patched kernel names.
 * `only` limits it to some kernels (the benchmark's baselines).
 */
export function applyKernelPatches(tf: Tf, backendName: string, only?: readonly string[]): string[] {
  const patches = kernelPatchesFor(tf, backendName).filter((p) => !only || only.includes(p.kernelName));
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
