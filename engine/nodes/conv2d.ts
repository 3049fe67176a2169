import type * as tfjs from '@tensorflow/tfjs';
import {
  FUSED_ACTIVATIONS,
  applyLeakyReluIfFused,
  convPaddingPlan,
  fusedActivationArg,
  zeroPad,
} from './compile-utils';
import { paddingTag, singleImageInput, windowOutput } from './shape-utils';
import { ShapeError, type NodeTypeDefinition } from './types';

/**
 * 2-D convolution, PyTorch-style numeric padding (pixels per side) or Keras 'same'/'valid'.
 * Glorot-uniform kernel and zero bias (tfjs defaults, the book's Xavier init).
 */
export const conv2d: NodeTypeDefinition<'conv2d'> = {
  type: 'conv2d',
  label: 'Conv 2D',
  category: 'Convolution',
  doc: 'Slides learned k×k filters over the image; output channels = filters.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'int',
      name: 'filters',
      label: 'Filters',
      doc: 'Output channels.',
      default: 16,
      min: 1,
      max: 8192,
    },
    { kind: 'int', name: 'kernelSize', label: 'Kernel size', default: 3, min: 1, max: 64 },
    { kind: 'int', name: 'strides', label: 'Stride', default: 1, min: 1, max: 64 },
    {
      kind: 'padding',
      name: 'padding',
      label: 'Padding',
      doc: "Pixels added on each side (PyTorch style), or 'same' / 'valid'.",
      default: 1,
    },
    {
      kind: 'int',
      name: 'dilation',
      label: 'Dilation',
      doc: 'Spacing between kernel taps.',
      default: 1,
      min: 1,
      max: 32,
    },
    { kind: 'choice', name: 'activation', label: 'Activation', default: 'relu', options: FUSED_ACTIVATIONS },
    { kind: 'bool', name: 'useBias', label: 'Bias', default: true },
  ],
  summarize(p) {
    const parts = [`${p.kernelSize}×${p.kernelSize}`, `${p.filters}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    const pad = paddingTag(p.padding);
    if (pad) parts.push(pad);
    if (p.dilation !== 1) parts.push(`d${p.dilation}`);
    if (p.activation !== 'none') parts.push(p.activation);
    return parts.join(' · ');
  },
  inferShape(p, inputs) {
    const input = singleImageInput('Conv 2D', inputs);
    if (p.strides > 1 && p.dilation > 1) {
      throw new ShapeError(
        `Conv 2D: TensorFlow.js cannot combine stride ${p.strides} with dilation ${p.dilation}; set one of them to 1`,
      );
    }
    const [oh, ow] = windowOutput('Conv 2D', input, p.kernelSize, p.strides, p.padding, p.dilation);
    return [oh, ow, p.filters];
  },
  paramCount(p, inputs) {
    const channelsIn = inputs[0][2];
    return {
      trainable: p.kernelSize * p.kernelSize * channelsIn * p.filters + (p.useBias ? p.filters : 0),
      nonTrainable: 0,
    };
  },
  macs(p, inputs, output) {
    return output[0] * output[1] * p.filters * p.kernelSize * p.kernelSize * inputs[0][2];
  },
  compile(ctx, p, inputs) {
    const plan = convPaddingPlan(p.padding, p.kernelSize, p.strides, p.dilation);
    const padded = zeroPad(ctx, inputs[0], plan.prePad);
    const conv = ctx.tf.layers
      .conv2d({
        filters: p.filters,
        kernelSize: p.kernelSize,
        strides: p.strides,
        padding: plan.tfPadding,
        dilationRate: p.dilation,
        activation: fusedActivationArg(p.activation),
        useBias: p.useBias,
        kernelInitializer: 'glorotUniform',
        biasInitializer: 'zeros',
        name: ctx.layerName('conv'),
      })
      .apply(padded) as tfjs.SymbolicTensor;
    return applyLeakyReluIfFused(ctx, conv, p.activation);
  },
};
