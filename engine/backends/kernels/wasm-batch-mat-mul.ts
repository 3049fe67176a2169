import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createKernelRunner, type Tf } from './kernel-runner';

/**
 * BatchMatMul on wasm with transposed operands made explicit: the stock kernel sends only
 * the plain a·b case to XNNPACK and loops slowly otherwise, and the dense layer's gradients
 * are exactly the transposed cases (dW = xᵀ·dy, dx = dy·Wᵀ). Transposing first is far cheaper.
 */
export function wasmBatchMatMulConfig(tf: Tf, stock: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
    }
    const k = createKernelRunner(tf, backend, 'wasm');
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return k.run('Transpose', { x: t }, { perm });
    };
    const plainA = transposeA ? swapLast(a) : a;
    const plainB = transposeB ? swapLast(b) : b;
    const out = stock.kernelFunc({
      inputs: { a: plainA, b: plainB },
      attrs: { ...attrs, transposeA: false, transposeB: false },
      backend,
    }) as TensorInfo;
    if (plainA !== a) k.dispose(plainA);
    if (plainB !== b) k.dispose(plainB);
    return out;
  };
  return { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}
