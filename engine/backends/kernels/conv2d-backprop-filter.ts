import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createKernelRunner, type Tf } from './kernel-runner';
import {
  explicitPad,
  forwardConv,
  type ConvCall,
  type ConvGradAttrs,
  type ForwardConv,
} from './conv2d-geometry';
import { fillOnHost } from './backend-types';
import { gatherPatchesTransposed, productAs } from './patches-matrix';

/**
 * Conv2DBackpropFilter as one forward convolution, so the backend's (fast) Conv2D does the
 * work: XNNPACK on wasm. Input channels play the batch and the batch plays the channels:
 * x [N,H,W,Ci] → [Ci,H,W,N] convolved with dy [N,OH,OW,Co] → [OH,OW,N,Co] as the filter,
 * with stride = forward dilation and dilation = forward stride, gives [Ci,KH,KW,Co].
 *
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · dy[n,oh,ow,co]
 *
 * Where the patch matrix is small — few input channels (a network's first layer) or 1×1
 * filters — one matrix product is cheaper: dW = patchesᵀ · dy, with patchesᵀ
 * [KH·KW·Ci, N·OH·OW] gathered from x and dy read as [N·OH·OW, Co] in place. The convolution
 * form has to transpose and repack dy as a filter, which for a first layer (Ci = 1, dy
 * [32,48,48,64] in ResNet-18) costs ~4× the arithmetic.
 */
export function conv2dBackpropFilterConfig(tf: Tf, backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
    const g = forwardConv(tf, 'Conv2DBackpropFilter', x.shape, a.filterShape, a);
    const k = createKernelRunner(tf, backend, backendName);
    if (patchesAreSmall(g)) return byMatMul({ k, backend, backendName, g }, x, dy);

    // Rows the convolution reads: (KH−1)·dh + (OH−1)·sh + 1 starting at −pt. Crop unused input
    // rows at the end ('valid' with leftovers), pad the rest with zeros at the bottom.
    const needH = (g.filterHeight - 1) * g.dilationHeight + (g.outHeight - 1) * g.strideHeight + 1;
    const needW = (g.filterWidth - 1) * g.dilationWidth + (g.outWidth - 1) * g.strideWidth + 1;
    const useH = Math.min(g.inHeight, needH - g.padTop);
    const useW = Math.min(g.inWidth, needW - g.padLeft);
    let source = x;
    if (useH < g.inHeight || useW < g.inWidth) {
      source = k.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [g.batch, useH, useW, g.inChannels] });
    }
    const xT = k.run('Transpose', { x: source }, { perm: [3, 1, 2, 0] });
    if (source !== x) k.dispose(source);
    const dyT = k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const pad = explicitPad(g.padTop, needH - g.padTop - useH, g.padLeft, needW - g.padLeft - useW);
    const grad = k.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [g.dilationHeight, g.dilationWidth],
        dilations: [g.strideHeight, g.strideWidth],
        pad,
        dataFormat: 'NHWC',
      },
    );
    k.dispose(xT, dyT);
    const out = k.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
    k.dispose(grad);
    return out;
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: kernelFunc as KernelFunc };
}

/** The patch matrix is no bigger than the x and dy the convolution form transposes. */
function patchesAreSmall(g: ForwardConv): boolean {
  const positions = g.batch * g.outHeight * g.outWidth;
  const patchElements = g.filterHeight * g.filterWidth * g.inChannels * positions;
  const xElements = g.batch * g.inHeight * g.inWidth * g.inChannels;
  return patchElements <= 1.5 * (xElements + positions * g.outChannels);
}

function byMatMul({ k, backend, backendName, g }: ConvCall, x: TensorInfo, dy: TensorInfo): TensorInfo {
  const positions = g.batch * g.outHeight * g.outWidth;
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const patchesT = fillOnHost(backend, backendName, [1, rows, positions], [x], (out, [xs]) =>
    gatherPatchesTransposed(out, xs, g),
  );
  const dyMatrix = k.run('Reshape', { x: dy }, { shape: [1, positions, g.outChannels] });
  return productAs(k, patchesT, dyMatrix, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
}
