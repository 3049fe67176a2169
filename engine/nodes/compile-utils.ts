/**
 * Compile helpers shared by node definitions: exact PyTorch-style padding and fused
 * activations. All tfjs values come from `ctx.tf`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Padding } from '../graph/document';
import { fusedActivationLayer, tfjsActivationLayer } from './activation';
import { registerCustomLayers } from './custom-layers';
import { effectiveKernel, sizePair } from './shape-utils';
import type { CompileContext, FusedActivation, WindowSize } from './types';

/** How a tfjs window layer realizes a padding: explicit pixels added first, then tfjs padding. */
export interface PaddingPlan {
  /** Pixels to add on each side with a separate padding layer (0 = none). */
  prePad: number;
  tfPadding: 'valid' | 'same';
}

/**
 * Plans numeric (PyTorch) padding for a convolution. tfjs 'same' stands in only where it is
 * provably identical: stride 1 and p = (k_eff − 1) / 2 along both axes (symmetric padding).
 * For stride 2, tfjs 'same' pads asymmetrically, so numeric padding is always explicit there.
 */
export function convPaddingPlan(
  padding: Padding,
  kernelSize: WindowSize,
  strides: WindowSize,
  dilation: WindowSize,
): PaddingPlan {
  if (padding === 'same' || padding === 'valid') return { prePad: 0, tfPadding: padding };
  if (padding === 0) return { prePad: 0, tfPadding: 'valid' };
  const [kh, kw] = sizePair(kernelSize);
  const [dh, dw] = sizePair(dilation);
  const extents = [effectiveKernel(kh, dh), effectiveKernel(kw, dw)];
  const strideOne = sizePair(strides).every((s) => s === 1);
  if (strideOne && extents.every((k) => k % 2 === 1 && padding === (k - 1) / 2))
    return { prePad: 0, tfPadding: 'same' };
  return { prePad: padding, tfPadding: 'valid' };
}

/** Adds `p` pixels of zeros on each side of H and W (no layer when p is 0). */
export function zeroPad(ctx: CompileContext, x: tfjs.SymbolicTensor, p: number): tfjs.SymbolicTensor {
  if (p === 0) return x;
  return ctx.tf.layers
    .zeroPadding2d({
      padding: [
        [p, p],
        [p, p],
      ],
      name: ctx.layerName('pad'),
    })
    .apply(x) as tfjs.SymbolicTensor;
}

/** Adds `p` pixels of −∞ on each side of H and W, for max pooling (no layer when p is 0). */
export function negInfPad(ctx: CompileContext, x: tfjs.SymbolicTensor, p: number): tfjs.SymbolicTensor {
  if (p === 0) return x;
  const { NegInfPadding2D } = registerCustomLayers(ctx.tf);
  return new NegInfPadding2D({ padding: p, name: ctx.layerName('pad') }).apply(x) as tfjs.SymbolicTensor;
}

/** Appends the separate layer a fused activation needs when tfjs cannot fuse it (leaky ReLU). */
export function applyUnfusedActivation(
  ctx: CompileContext,
  x: tfjs.SymbolicTensor,
  activation: FusedActivation,
): tfjs.SymbolicTensor {
  const after = fusedActivationLayer(activation);
  if (!after) return x;
  return tfjsActivationLayer(ctx.tf, after.fn, after.alpha, ctx.layerName('act')).apply(
    x,
  ) as tfjs.SymbolicTensor;
}
