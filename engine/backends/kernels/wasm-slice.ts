import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from './kernel-runner';
import { copyRun, type WasmBackendLike } from './backend-types';

/**
 * Slice on wasm as block copies on the heap: the trailing axes taken whole, plus the last
 * partly taken one, form contiguous runs. The stock kernel copies 4-D slices element by
 * element (~23 ms to crop [32,26,26,64] by one row and column, which the filter gradient of
 * every stride-2 'valid' convolution does). Strings go to the stock kernel.
 */
export function wasmSliceConfig(tf: Tf, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock.kernelFunc(args);
    const a = attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x, a.begin, a.size);
    const wasm = backend as WasmBackendLike;
    // Allocate before taking views: allocating can grow wasm memory and detach older views.
    const out = wasm.makeOutput(size, x.dtype);
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    if (dst.length > 0) sliceInto(src, dst, x.shape, begin, size);
    return out;
  };
  return { kernelName: 'Slice', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}

/** Copies the box `begin` + `size` of `src` (shape `shape`) into `dst`, row-major. */
export function sliceInto<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  dst: T,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): void {
  const rank = shape.length;
  const stride = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    stride[a] = s;
    s *= shape[a];
  }
  // Axes [lead, rank) are one contiguous run per position of the axes before `lead`.
  let lead = rank;
  while (lead > 0 && size[lead - 1] === shape[lead - 1]) lead--;
  if (lead > 0) lead--;
  const run = rank === 0 ? 1 : size[lead] * stride[lead];
  let from = 0;
  for (let a = 0; a < rank; a++) from += begin[a] * stride[a];
  const runs = dst.length / run;
  const index = new Array<number>(lead).fill(0);
  for (let r = 0; r < runs; r++) {
    const to = r * run;
    copyRun(dst, to, src, from, run);
    for (let a = lead - 1; a >= 0; a--) {
      if (++index[a] < size[a]) {
        from += stride[a];
        break;
      }
      index[a] = 0;
      from -= stride[a] * (size[a] - 1);
    }
  }
}
