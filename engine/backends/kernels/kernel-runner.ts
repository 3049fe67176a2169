import type * as tfjs from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/** The TensorFlow.js namespace, passed in so these modules never import tfjs values themselves. */
export type Tf = typeof tfjs;

/**
 * Calls another kernel of the same backend from inside a kernel, the way the stock kernels
 * compose (the stock cpu/wasm kernels call e.g. `transpose({inputs, backend, attrs})`).
 * Intermediates are TensorInfos owned by the caller: hand each one to `dispose` when done.
 */
export interface KernelRunner {
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap): TensorInfo;
  dispose(...infos: TensorInfo[]): void;
}

/** A runner over `backend`'s registered kernels (looked up in tfjs's public kernel registry). */
export function createKernelRunner(tf: Tf, backendArg: object, backendName: string): KernelRunner {
  // Kernel functions receive the backend typed as `{}`; it is the backend the kernel is registered for.
  const backend = backendArg as tfjs.KernelBackend;
  return {
    run(kernelName, inputs, attrs = {}) {
      const kernel = tf.getKernel(kernelName, backendName);
      if (!kernel)
        throw new Error(
          `Backend '${backendName}' has no '${kernelName}' kernel, which a training kernel needs.`,
        );
      const out = kernel.kernelFunc({ inputs, attrs, backend });
      if (Array.isArray(out))
        throw new Error(`Kernel '${kernelName}' returned several outputs; expected one.`);
      return out as TensorInfo;
    },
    dispose(...infos) {
      for (const info of infos) backend.disposeData(info.dataId);
    },
  };
}
