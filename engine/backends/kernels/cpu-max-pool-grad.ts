import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { CpuBackendLike } from './backend-types';
import type { Tf } from './kernel-runner';

/**
 * MaxPoolGrad on cpu: recompute each window's arg-max (the first maximum, as the stock kernel
 * picks) and scatter-add dy there, looping over channels innermost so memory is read in order.
 */
export function cpuMaxPoolGradConfig(tf: Tf): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const cpu = backend as CpuBackendLike;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const x = cpu.data.get(input.dataId).values as Float32Array;
    const g = cpu.data.get(dy.dataId).values as Float32Array;
    const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
    const dx = new Float32Array(batchSize * inHeight * inWidth * c);
    const best = new Float32Array(c);
    const at = new Int32Array(c);
    for (let n = 0; n < batchSize; n++) {
      const xBase = n * inHeight * inWidth * c;
      for (let oh = 0; oh < outHeight; oh++) {
        const h0 = oh * info.strideHeight - info.padInfo.top;
        const hStart = Math.max(0, h0);
        const hEnd = Math.min(inHeight, h0 + info.filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const w0 = ow * info.strideWidth - info.padInfo.left;
          const wStart = Math.max(0, w0);
          const wEnd = Math.min(inWidth, w0 + info.filterWidth);
          best.fill(-Infinity);
          at.fill(-1);
          for (let h = hStart; h < hEnd; h++) {
            for (let w = wStart; w < wEnd; w++) {
              const p = xBase + (h * inWidth + w) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = x[p + ch];
                if (v > best[ch]) {
                  best[ch] = v;
                  at[ch] = p + ch;
                }
              }
            }
          }
          const q = ((n * outHeight + oh) * outWidth + ow) * c;
          for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += g[q + ch];
        }
      }
    }
    return cpu.makeTensorInfo(input.shape.slice(), 'float32', dx);
  };
  return { kernelName: 'MaxPoolGrad', backendName: 'cpu', kernelFunc: kernelFunc as KernelFunc };
}
