import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './backend-types';
import type { Tf } from './kernel-runner';

/**
 * Sum / Mean on wasm over leading axes (batch-norm statistics and gradients, bias gradients:
 * [N,H,W,C] → [C]) as one sequential pass accumulating per trailing element. The stock kernel
 * first transposes the whole tensor so the reduced axes come last. Other cases go to stock.
 */
export function wasmLeadingReduceConfig(tf: Tf, kind: 'Sum' | 'Mean', stock: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return stock.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
    const rows = x.shape.slice(0, axes.length).reduce((p, d) => p * d, 1);
    const kept = x.shape.slice(axes.length);
    const width = kept.reduce((p, d) => p * d, 1);
    const wasm = backend as WasmBackendLike;
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    // Allocate before taking views: allocating can grow wasm memory and detach older views.
    const out = wasm.makeOutput(outShape, 'float32');
    const src = wasm.typedArrayFromHeap(x) as Float32Array;
    const dst = wasm.typedArrayFromHeap(out) as Float32Array;
    dst.set(sumLeadingRows(src, rows, width));
    if (kind === 'Mean') for (let j = 0; j < width; j++) dst[j] /= rows;
    return out;
  };
  return { kernelName: kind, backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}

/** Σ over `rows` rows of `width` values, accumulated in float64 for accuracy. */
export function sumLeadingRows(src: Float32Array, rows: number, width: number): Float64Array {
  const acc = new Float64Array(width);
  for (let r = 0, p = 0; r < rows; r++) {
    for (let j = 0; j < width; j++, p++) acc[j] += src[p];
  }
  return acc;
}
