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

/**
 * Allocates a float32 output of `shape` on a wasm or cpu backend and calls `fill` with it and
 * the float32 values of `inputs`, all as plain typed arrays; returns the output. On wasm the
 * output is allocated before any heap view is taken (allocating may grow, and detach, the heap).
 */
export function fillOnHost(
  backend: object,
  backendName: string,
  shape: number[],
  inputs: readonly TensorInfo[],
  fill: (out: Float32Array, inputs: Float32Array[]) => void,
): TensorInfo {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackendLike;
    const out = wasm.makeOutput(shape, 'float32');
    fill(
      wasm.typedArrayFromHeap(out) as Float32Array,
      inputs.map((info) => wasm.typedArrayFromHeap(info) as Float32Array),
    );
    return out;
  }
  if (backendName === 'cpu') {
    const cpu = backend as CpuBackendLike;
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    fill(
      values,
      inputs.map((info) => cpu.data.get(info.dataId).values as Float32Array),
    );
    return cpu.makeTensorInfo(shape, 'float32', values);
  }
  throw new Error(`No host access to tensors of the '${backendName}' backend.`);
}

/**
 * Copies `length` values from `src` at `from` to `dst` at `to`: `set` for longer runs, a plain
 * loop for short ones, where making a subarray costs more than the copy.
 */
export function copyRun<T extends Float32Array | Int32Array | Uint8Array>(
  dst: T,
  to: number,
  src: T,
  from: number,
  length: number,
): void {
  if (length > 16) dst.set(src.subarray(from, from + length), to);
  else for (let i = 0; i < length; i++) dst[to + i] = src[from + i];
}
