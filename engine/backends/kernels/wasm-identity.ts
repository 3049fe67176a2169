import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * Identity on wasm without a copy: the output shares the input's data and takes a reference,
 * as the cpu backend's Identity does (tensors are immutable). The stock wasm kernel copies,
 * and training calls Identity for every gradient it passes through unchanged.
 */
export function wasmIdentityConfig(): KernelConfig {
  const kernelFunc = ({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    (backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}
