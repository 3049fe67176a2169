import type { KernelRunner, Tf } from './kernel-runner';

/** What the gradient kernels need to know about the forward convolution (NHWC only). */
export interface ForwardConv {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Attributes the Conv2DBackprop* kernels receive (`dilations` is our addition; tfjs never sends it). */
export interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

/** Resolves the forward convolution's geometry exactly as tfjs computes it, or throws for NCHW. */
export function forwardConv(
  tf: Tf,
  kernelName: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGradAttrs,
): ForwardConv {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(
      `${kernelName}: dataFormat 'NCHW' is not supported by the training kernels; use channels-last (NHWC).`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Explicit NHWC padding in the form the Conv2D kernel accepts. */
export function explicitPad(top: number, bottom: number, left: number, right: number) {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ] as [[number, number], [number, number], [number, number], [number, number]];
}

/** What a convolution kernel's helpers share: the runner, the backend and the geometry. */
export interface ConvCall {
  k: KernelRunner;
  backend: object;
  backendName: string;
  g: ForwardConv;
}
