/**
 * What the convolutions (conv2d, depthwise) share: the window params, the node-face text,
 * the stride/dilation rule and output size, the padding the compiled layer needs, the
 * PyTorch window options and the Keras import of the window settings.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { pySize, torchPadding } from '../export/padding';
import type { Padding, Shape } from '../graph/document';
import { FUSED_ACTIVATIONS, fusedActivationFromKeras } from './activation';
import { convPaddingPlan, zeroPad, type PaddingPlan } from './compile-utils';
import { kerasSize, kerasWindowPadding, type ImportedNode } from './interchange';
import {
  effectiveKernel,
  formatWindow,
  paddingTag,
  singleImageInput,
  sizeIs,
  sizePair,
  sizeTag,
  windowOutput,
} from './shape-utils';
import {
  ShapeError,
  type CompileContext,
  type FusedActivation,
  type ParamSpec,
  type WindowSize,
} from './types';

/** The window settings of a convolution. */
export interface ConvWindowParams {
  kernelSize: WindowSize;
  strides: WindowSize;
  padding: Padding;
  dilation: WindowSize;
  activation: FusedActivation;
  useBias: boolean;
}

/** Params of the window, then the fused activation (default given) and bias. */
export function convWindowParams(defaultActivation: FusedActivation): readonly ParamSpec[] {
  return [
    {
      kind: 'size',
      name: 'kernelSize',
      label: 'Kernel size',
      doc: 'k, or height × width (e.g. 1×7).',
      default: 3,
      min: 1,
      max: 64,
    },
    {
      kind: 'size',
      name: 'strides',
      label: 'Stride',
      doc: 's, or height × width.',
      default: 1,
      min: 1,
      max: 64,
    },
    {
      kind: 'padding',
      name: 'padding',
      label: 'Padding',
      doc: "Pixels added on each side (PyTorch style), or 'same' / 'valid'.",
      default: 1,
    },
    {
      kind: 'size',
      name: 'dilation',
      label: 'Dilation',
      doc: 'Spacing between kernel taps; d, or height × width.',
      default: 1,
      min: 1,
      max: 32,
    },
    {
      kind: 'choice',
      name: 'activation',
      label: 'Activation',
      default: defaultActivation,
      options: FUSED_ACTIVATIONS,
    },
    { kind: 'bool', name: 'useBias', label: 'Bias', default: true },
  ];
}

/** Node-face text: `3×3 · <what> · s2 · p1 · d2 · relu` (defaults left out). */
export function summarizeConv(p: ConvWindowParams, what: string): string {
  const parts = [formatWindow(p.kernelSize), what];
  if (!sizeIs(p.strides, 1)) parts.push(`s${sizeTag(p.strides)}`);
  const pad = paddingTag(p.padding);
  if (pad) parts.push(pad);
  if (!sizeIs(p.dilation, 1)) parts.push(`d${sizeTag(p.dilation)}`);
  if (p.activation !== 'none') parts.push(p.activation);
  return parts.join(' · ');
}

/** The input image and the output `[oh, ow]`, or a ShapeError (stride with dilation, window too large). */
export function convSpatial(
  label: string,
  p: ConvWindowParams,
  inputs: readonly Shape[],
): { input: readonly [number, number, number]; spatial: [number, number] } {
  const input = singleImageInput(label, inputs);
  if (!sizeIs(p.strides, 1) && !sizeIs(p.dilation, 1)) {
    throw new ShapeError(
      `${label}: TensorFlow.js cannot combine stride ${sizeTag(p.strides)} with dilation ${sizeTag(p.dilation)}; set one of them to 1`,
    );
  }
  return { input, spatial: windowOutput(label, input, p.kernelSize, p.strides, p.padding, p.dilation) };
}

/** Kernel positions of one filter: kh × kw. */
export const kernelArea = (p: Pick<ConvWindowParams, 'kernelSize'>): number =>
  sizePair(p.kernelSize).reduce((a, b) => a * b, 1);

/** The input padded as the layer needs it, and the tfjs padding mode of the layer itself. */
export function padForConv(
  ctx: CompileContext,
  x: tfjs.SymbolicTensor,
  p: ConvWindowParams,
): { padded: tfjs.SymbolicTensor; tfPadding: PaddingPlan['tfPadding'] } {
  const plan = convPaddingPlan(p.padding, p.kernelSize, p.strides, p.dilation);
  return { padded: zeroPad(ctx, x, plan.prePad), tfPadding: plan.tfPadding };
}

/** PyTorch's pad module (if the padding is uneven) and the window keyword arguments. */
export function torchConvWindow(
  p: ConvWindowParams,
  input: Shape,
): { padModule: string | null; options: string[] } {
  const pad = torchPadding(p.padding, [input[0], input[1]], p.kernelSize, p.strides, p.dilation, 'zero');
  const options = [`kernel_size=${pySize(p.kernelSize)}`];
  if (!sizeIs(p.strides, 1)) options.push(`stride=${pySize(p.strides)}`);
  if (pad.amount !== 0) options.push(`padding=${pad.amount}`);
  if (!sizeIs(p.dilation, 1)) options.push(`dilation=${pySize(p.dilation)}`);
  if (!p.useBias) options.push('bias=False');
  return { padModule: pad.padModule, options };
}

/** A Keras conv layer's window settings as ours; a fused activation's alpha may add a node after. */
export function convWindowFromKeras(
  c: Record<string, unknown>,
  foldedPadding: number | null,
): { params: ConvWindowParams; then: NonNullable<ImportedNode['then']> } {
  const kernelSize = kerasSize(c.kernel_size, 'kernel size');
  const strides = kerasSize(c.strides ?? 1, 'strides');
  const dilation = kerasSize(c.dilation_rate ?? 1, 'dilation');
  let padding = kerasWindowPadding(c, foldedPadding);
  // Stride-1 'same' with an odd square extent pads (k−1)/2 on every side: write it the book's way.
  const [kh, kw] = sizePair(kernelSize);
  const [dh, dw] = sizePair(dilation);
  const extent = effectiveKernel(kh, dh);
  if (padding === 'same' && sizeIs(strides, 1) && extent % 2 === 1 && extent === effectiveKernel(kw, dw))
    padding = (extent - 1) / 2;
  const { activation, then } = fusedActivationFromKeras(c.activation);
  return {
    params: { kernelSize, strides, padding, dilation, activation, useBias: c.use_bias !== false },
    then,
  };
}
