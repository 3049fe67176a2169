import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { copyRun, type WasmBackendLike } from './backend-types';

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Reverse on wasm as block copies on the heap. The axes after the last reversed one are
 * copied as whole contiguous blocks; the stock kernel computes an index per element, ~80 ms
 * for the 3×3×512×512 filter that every Conv2DBackpropInput flips (spatial axes only).
 */
export function wasmReverseConfig(): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const dims = (attrs as unknown as { dims: number | number[] }).dims;
    const wasm = backend as WasmBackendLike;
    if (x.dtype === 'string')
      throw new Error('Reverse: string tensors are not supported by the wasm Reverse patch.');
    const rank = x.shape.length;
    const axes = (Array.isArray(dims) ? dims : [dims]).map((axis) => {
      if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
        throw new Error(`Reverse: axis ${axis} is out of range for a tensor of rank ${rank}.`);
      return axis < 0 ? axis + rank : axis;
    });
    // Allocate before taking views: allocating can grow wasm memory and detach older views.
    const out = wasm.makeOutput(x.shape.slice(), x.dtype);
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    if (dst.length > 0) reverseInto(src, dst, x.shape, axes);
    return out;
  };
  return { kernelName: 'Reverse', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}

/** Writes `src` (shape `shape`) reversed along `axes` into `dst`, row-major. */
export function reverseInto<T extends Values>(
  src: T,
  dst: T,
  shape: readonly number[],
  axes: readonly number[],
): void {
  if (axes.length === 0) {
    dst.set(src);
    return;
  }
  const lead = Math.max(...axes) + 1; // axes [0, lead) are walked; the rest is one block
  const block = shape.slice(lead).reduce((p, d) => p * d, 1);
  const reversed = shape.slice(0, lead).map((_, a) => axes.includes(a));
  // stride[a]: blocks per index step of axis a (a < lead).
  const stride = new Array<number>(lead);
  for (let a = lead - 1, s = 1; a >= 0; a--) {
    stride[a] = s;
    s *= shape[a];
  }
  const blocks = shape.slice(0, lead).reduce((p, d) => p * d, 1);
  const index = new Array<number>(lead).fill(0);
  let from = 0; // source block of the current output block
  for (let a = 0; a < lead; a++) if (reversed[a]) from += (shape[a] - 1) * stride[a];
  for (let b = 0; b < blocks; b++) {
    const to = b * block;
    const at = from * block;
    copyRun(dst, to, src, at, block);
    // Odometer step over the leading axes, moving `from` by ±stride (reset on wrap).
    for (let a = lead - 1; a >= 0; a--) {
      const step = reversed[a] ? -stride[a] : stride[a];
      if (++index[a] < shape[a]) {
        from += step;
        break;
      }
      index[a] = 0;
      from -= step * (shape[a] - 1);
    }
  }
}
