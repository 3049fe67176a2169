import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './backend-types';

/**
 * Tile on wasm as block copies on the heap (the batch-norm gradient tiles a [1,1,1,C] scale
 * over the whole activation; the stock kernel computes an index per element). Each level
 * writes one copy of its sub-block, then doubles it in place with `copyWithin`.
 */
export function wasmTileConfig(): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const reps = (attrs as unknown as { reps: number[] }).reps;
    const wasm = backend as WasmBackendLike;
    if (x.dtype === 'string')
      throw new Error('Tile: string tensors are not supported by the wasm Tile patch.');
    const outShape = x.shape.map((d, i) => d * reps[i]);
    // Allocate before taking views: allocating can grow wasm memory and detach older views.
    const out = wasm.makeOutput(outShape, x.dtype);
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    if (dst.length > 0) tileInto(src, dst, x.shape, reps);
    return out;
  };
  return { kernelName: 'Tile', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}

/** Writes `src` (shape `shape`) tiled `reps` times per axis into `dst`, row-major. */
export function tileInto<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  dst: T,
  shape: readonly number[],
  reps: readonly number[],
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  // srcStride[a] / dstStride[a]: elements per index step of axis a in x and in the output.
  const srcStride = new Array<number>(rank);
  const dstStride = new Array<number>(rank);
  srcStride[rank - 1] = 1;
  dstStride[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) {
    srcStride[a] = srcStride[a + 1] * shape[a + 1];
    dstStride[a] = dstStride[a + 1] * shape[a + 1] * reps[a + 1];
  }
  const fill = (axis: number, srcAt: number, dstAt: number): void => {
    const block = shape[axis] * dstStride[axis];
    if (axis === rank - 1) {
      dst.set(src.subarray(srcAt, srcAt + shape[axis]) as never, dstAt);
    } else {
      for (let i = 0; i < shape[axis]; i++)
        fill(axis + 1, srcAt + i * srcStride[axis], dstAt + i * dstStride[axis]);
    }
    repeatInPlace(dst, dstAt, block, reps[axis]);
  };
  fill(0, 0, 0);
}

/** dst[at .. at+len) repeated `times` times in place, doubling the copied span each step. */
function repeatInPlace(
  dst: Float32Array | Int32Array | Uint8Array,
  at: number,
  len: number,
  times: number,
): void {
  const total = len * times;
  let done = len;
  while (done < total) {
    const n = Math.min(done, total - done);
    dst.copyWithin(at + done, at, at + n);
    done += n;
  }
}
