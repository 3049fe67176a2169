import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * The public surface of tfjs-backend-wasm's `BackendWasm` that our kernels use, the same
 * members the stock wasm kernels use (`dataIdMap`, `makeOutput`, `typedArrayFromHeap`).
 */
export interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Values;
}

/** The public surface of tfjs-backend-cpu's `MathBackendCPU` that our kernels use. */
export interface CpuBackendLike extends KernelBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Values): TensorInfo;
}
