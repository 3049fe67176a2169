/**
 * Patch ("im2col") matrices of a convolution, so it can run as one matrix product where that
 * is cheaper than the backend's convolution (small spatial extent, large filters): XNNPACK
 * repacks a convolution's filter on every call, ~20 ms for a 3×3×512×512 filter on wasm,
 * while a matrix product packs only its right operand. Rows and columns are NHWC-ordered.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { copyRun } from './backend-types';
import type { ForwardConv } from './conv2d-geometry';
import type { KernelRunner } from './kernel-runner';

/**
 * The patch matrix: out[(n,oh,ow), (kh,kw,ci)] = x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci],
 * 0 outside x. Shape [N·OH·OW, KH·KW·Ci]; each (kh,kw) is one contiguous run of Ci values.
 */
export function gatherPatches(out: Float32Array, x: Float32Array, g: ForwardConv): void {
  const { inHeight: H, inWidth: W, inChannels: C } = g;
  const rowLength = g.filterHeight * g.filterWidth * C;
  let to = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++, to += rowLength) {
        let tap = to;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
          for (let kw = 0; kw < g.filterWidth; kw++, tap += C) {
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
              out.fill(0, tap, tap + C);
            } else {
              const from = ((n * H + ih) * W + iw) * C;
              copyRun(out, tap, x, from, C);
            }
          }
        }
      }
    }
  }
}

/**
 * The transposed patch matrix: out[(kh,kw,ci), (n,oh,ow)] = x[n, oh·sh + kh·dh − pt,
 * ow·sw + kw·dw − pl, ci], 0 outside x. Shape [KH·KW·Ci, N·OH·OW].
 */
export function gatherPatchesTransposed(out: Float32Array, x: Float32Array, g: ForwardConv): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const positions = g.batch * OH * OW;
  let row = 0;
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const colOffset = kw * g.dilationWidth - g.padLeft;
      for (let c = 0; c < C; c++, row++) {
        let to = row * positions;
        for (let n = 0; n < g.batch; n++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
            if (ih < 0 || ih >= H) {
              out.fill(0, to, to + OW);
              to += OW;
              continue;
            }
            const rowBase = (n * H + ih) * W;
            for (let ow = 0, iw = colOffset; ow < OW; ow++, iw += g.strideWidth) {
              out[to++] = iw >= 0 && iw < W ? x[(rowBase + iw) * C + c] : 0;
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of `gatherPatchesTransposed`: dx[n, ih, iw, ci] = Σ colsT[(kh,kw,ci), (n,oh,ow)]
 * over the positions and taps that read (ih, iw). `dx` is overwritten.
 */
export function scatterAddPatchesTransposed(dx: Float32Array, colsT: Float32Array, g: ForwardConv): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  dx.fill(0);
  let from = 0;
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const colOffset = kw * g.dilationWidth - g.padLeft;
      for (let c = 0; c < C; c++) {
        for (let n = 0; n < g.batch; n++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
            if (ih < 0 || ih >= H) {
              from += OW;
              continue;
            }
            const rowBase = (n * H + ih) * W;
            for (let ow = 0, iw = colOffset; ow < OW; ow++, iw += g.strideWidth, from++) {
              if (iw >= 0 && iw < W) dx[(rowBase + iw) * C + c] += colsT[from];
            }
          }
        }
      }
    }
  }
}

/**
 * Whether a convolution should run as a matrix product: when it has no more output positions
 * (N·OH·OW) than output channels, its patch matrix is no bigger than its filter, so building
 * patches costs less than the repacking of the filter a convolution does on every call.
 * ResNet-18's last stage (3×3 positions × batch 32 = 288 ≤ 512 channels) is the case.
 */
export function fewerPositionsThanChannels(g: ForwardConv): boolean {
  return g.batch * g.outHeight * g.outWidth <= g.outChannels;
}

/** The product a · b of [1, M, K] and [1, K, N], reshaped to `shape`. Disposes a and b. */
export function productAs(k: KernelRunner, a: TensorInfo, b: TensorInfo, shape: number[]): TensorInfo {
  const product = k.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  k.dispose(a, b);
  const out = k.run('Reshape', { x: product }, { shape });
  k.dispose(product);
  return out;
}
