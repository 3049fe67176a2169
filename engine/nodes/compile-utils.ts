/**
 * Compile helpers shared by node definitions: exact PyTorch-style padding and fused
 * activations. All tfjs values come from `ctx.tf`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Padding } from '../graph/document';
import { registerCustomLayers } from './custom-layers';
import { effectiveKernel } from './shape-utils';
import type { CompileContext, FusedActivation } from './types';

/** Negative slope of a fused leaky ReLU (PyTorch's default; tfjs's own default is 0.3). */
export const FUSED_LEAKY_RELU_ALPHA = 0.01;

/** How a tfjs window layer realizes a padding: explicit pixels added first, then tfjs padding. */
export interface PaddingPlan {
  /** Pixels to add on each side with a separate padding layer (0 = none). */
  prePad: number;
  tfPadding: 'valid' | 'same';
}

/**
 * Plans numeric (PyTorch) padding for a convolution. tfjs 'same' stands in only where it is
 * provably identical: stride 1 and p = (k_eff − 1) / 2 (symmetric padding). For stride 2,
 * tfjs 'same' pads asymmetrically, so numeric padding is always explicit there.
 */
export function convPaddingPlan(
  padding: Padding,
  kernelSize: number,
  strides: number,
  dilation: number,
): PaddingPlan {
  if (padding === 'same' || padding === 'valid') return { prePad: 0, tfPadding: padding };
  if (padding === 0) return { prePad: 0, tfPadding: 'valid' };
  const k = effectiveKernel(kernelSize, dilation);
  if (strides === 1 && k % 2 === 1 && padding === (k - 1) / 2) return { prePad: 0, tfPadding: 'same' };
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

/**
 * Splits a fused activation into what the tfjs layer can take as its `activation` arg
 * and what must follow as a separate layer (leaky ReLU, which tfjs-layers has no
 * activation identifier for).
 */
export function fusedActivationArg(
  activation: FusedActivation,
): 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'gelu' {
  return activation === 'none' || activation === 'leakyRelu' ? 'linear' : activation;
}

/** Appends the separate leaky-ReLU layer when the fused activation needs one. */
export function applyLeakyReluIfFused(
  ctx: CompileContext,
  x: tfjs.SymbolicTensor,
  activation: FusedActivation,
): tfjs.SymbolicTensor {
  if (activation !== 'leakyRelu') return x;
  return ctx.tf.layers
    .leakyReLU({ alpha: FUSED_LEAKY_RELU_ALPHA, name: ctx.layerName('act') })
    .apply(x) as tfjs.SymbolicTensor;
}

/** The param spec list entry shared by conv2d and dense. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = [
  'none',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'leakyRelu',
  'elu',
  'gelu',
];
