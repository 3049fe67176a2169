import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { fillOnHost } from './backend-types';
import type { Tf } from './kernel-runner';

/** Window geometry of a 2-D pooling (NHWC), as tfjs's computePool2DInfo gives it. */
export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolGeometry(tf: Tf, shape: readonly number[], attrs: PoolAttrs): PoolGeometry {
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Visits every pooling window: `visit(outIndex, rows, cols)` with the in-bounds input rows
 * [h0,h1) and columns [w0,w1) of the window at output offset `outIndex` (channel 0), and the
 * input offset of image n's first pixel. Channels are the innermost loop of the callers.
 */
function forEachWindow(
  g: PoolGeometry,
  visit: (outAt: number, imageAt: number, h0: number, h1: number, w0: number, w1: number) => void,
): void {
  for (let n = 0; n < g.batch; n++) {
    const imageAt = n * g.inHeight * g.inWidth * g.channels;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const top = oh * g.strideHeight - g.padTop;
      const h0 = Math.max(0, top);
      const h1 = Math.min(g.inHeight, top + g.filterHeight);
      for (let ow = 0; ow < g.outWidth; ow++) {
        const left = ow * g.strideWidth - g.padLeft;
        const w0 = Math.max(0, left);
        const w1 = Math.min(g.inWidth, left + g.filterWidth);
        visit(((n * g.outHeight + oh) * g.outWidth + ow) * g.channels, imageAt, h0, h1, w0, w1);
      }
    }
  }
}

/**
 * dx of max pooling: each window's dy goes to its arg-max (the first maximum in row-major
 * window order, as the stock kernels pick). `dx` must be zeroed.
 */
export function maxPoolGradInto(g: PoolGeometry, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const c = g.channels;
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  forEachWindow(g, (outAt, imageAt, h0, h1, w0, w1) => {
    best.fill(-Infinity);
    at.fill(-1);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const p = imageAt + (h * g.inWidth + w) * c;
        for (let ch = 0; ch < c; ch++) {
          const v = x[p + ch];
          if (v > best[ch]) {
            best[ch] = v;
            at[ch] = p + ch;
          }
        }
      }
    }
    for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += dy[outAt + ch];
  });
}

/**
 * dx of average pooling: each window's dy / (filter area) spread over its in-bounds pixels.
 * tfjs divides by the full filter area even where 'same' padding cuts the window; we match it.
 * `dx` must be zeroed.
 */
export function avgPoolGradInto(g: PoolGeometry, dy: Float32Array, dx: Float32Array): void {
  const c = g.channels;
  const scale = 1 / (g.filterHeight * g.filterWidth);
  forEachWindow(g, (outAt, imageAt, h0, h1, w0, w1) => {
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const p = imageAt + (h * g.inWidth + w) * c;
        for (let ch = 0; ch < c; ch++) dx[p + ch] += dy[outAt + ch] * scale;
      }
    }
  });
}

type PoolGradKind = 'MaxPoolGrad' | 'AvgPoolGrad';

function poolGradFunc(tf: Tf, kind: PoolGradKind, backendName: 'cpu' | 'wasm'): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const g = poolGeometry(tf, input.shape, attrs as unknown as PoolAttrs);
    const sources = kind === 'MaxPoolGrad' ? [dy, input] : [dy];
    return fillOnHost(backend, backendName, input.shape.slice(), sources, (dx, [dyValues, x]) => {
      dx.fill(0);
      if (kind === 'MaxPoolGrad') maxPoolGradInto(g, x, dyValues, dx);
      else avgPoolGradInto(g, dyValues, dx);
    });
  };
}

/** MaxPoolGrad / AvgPoolGrad for cpu or wasm: one pass over the windows, channels innermost. */
export function poolGradConfig(tf: Tf, kind: PoolGradKind, backendName: 'cpu' | 'wasm'): KernelConfig {
  return { kernelName: kind, backendName, kernelFunc: poolGradFunc(tf, kind, backendName) };
}
