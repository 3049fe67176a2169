import type * as tfjs from '@tensorflow/tfjs';
import { convKernelToOnnx } from '../export/onnx/ops';
import { pySize } from '../export/padding';
import { pyLiteral } from '../export/python';
import type { Padding } from '../graph/document';
import {
  FUSED_ACTIVATIONS,
  fusedActivationArg,
  fusedActivationFromKeras,
  kerasFusedActivation,
  onnxFusedActivation,
  torchFusedActivation,
} from './activation';
import { applyUnfusedActivation } from './compile-utils';
import { kernelArea } from './conv-common';
import { kerasSize, UnmappableLayerError } from './interchange';
import { formatWindow, paddingTag, singleImageInput, sizeIs, sizePair, sizeTag } from './shape-utils';
import { ShapeError, type NodeParamsMap, type WindowSize } from './types';
import type { NodeTypeDefinition } from './types';

type TransposeParams = NodeParamsMap['conv2dTranspose'];

/** Pixels cut from each side of TensorFlow's 'valid' transposed output, per axis: [before, after]. */
type AxisCrop = readonly [number, number];

/**
 * One axis of a transposed convolution. TensorFlow's 'valid' output is the full one,
 * `(n − 1)·s + k` plus `s − k` bias-only rows when the stride exceeds the kernel; every
 * padding setting is a crop of it:
 * - 'valid': none (Keras's `n·s + max(k − s, 0)`);
 * - 'same': `max(k − s, 0)`, the smaller half before (TensorFlow's rule), giving `n·s`;
 * - p pixels with output padding op (PyTorch's ConvTranspose2d): p before, p − op after,
 *   giving `(n − 1)·s + k − 2p + op`.
 */
function axisCrop(
  size: number,
  kernel: number,
  stride: number,
  padding: Padding,
  outputPadding: number,
): { full: number; crop: AxisCrop } {
  const extra = Math.max(stride - kernel, 0);
  const full = (size - 1) * stride + kernel + extra;
  if (padding === 'valid') return { full, crop: [0, 0] };
  if (padding === 'same') {
    const total = Math.max(kernel - stride, 0);
    return { full, crop: [Math.floor(total / 2), total - Math.floor(total / 2)] };
  }
  return { full, crop: [padding, padding - outputPadding + extra] };
}

/** The crops of both axes and the output size, or a ShapeError naming the setting at fault. */
function transposeGeometry(
  p: TransposeParams,
  input: readonly [number, number, number],
): { full: [number, number]; crops: [AxisCrop, AxisCrop]; spatial: [number, number] } {
  const label = 'Transposed Conv';
  const kernel = sizePair(p.kernelSize);
  const strides = sizePair(p.strides);
  const outputPadding = sizePair(p.outputPadding);
  if (typeof p.padding !== 'number' && !sizeIs(p.outputPadding, 0))
    throw new ShapeError(
      `${label}: output padding ${sizeTag(p.outputPadding)} needs padding in pixels, not "${p.padding}"`,
    );
  const axes = [0, 1].map((axis) => {
    const { full, crop } = axisCrop(input[axis], kernel[axis], strides[axis], p.padding, outputPadding[axis]);
    if (crop[1] < 0)
      throw new ShapeError(
        `${label}: output padding ${outputPadding[axis]} is more than padding ${String(p.padding)} plus the ${Math.max(strides[axis] - kernel[axis], 0)} rows a stride larger than the kernel adds; lower it`,
      );
    const out = full - crop[0] - crop[1];
    if (out < 1)
      throw new ShapeError(
        `${label}: padding ${String(p.padding)} crops the ${full}-pixel output to nothing`,
        'spatial-too-small',
      );
    return { full, crop, out };
  });
  return {
    full: [axes[0].full, axes[1].full],
    crops: [axes[0].crop, axes[1].crop],
    spatial: [axes[0].out, axes[1].out],
  };
}

const hasCrop = (crops: readonly AxisCrop[]): boolean => crops.some(([a, b]) => a !== 0 || b !== 0);

/**
 * PyTorch's ConvTranspose2d crops `padding` before and `padding − output_padding` after
 * its `(n − 1)·s + k` output; we hand it the crop when that form fits (0 ≤ op < stride),
 * else a crop module after an uncropped one.
 */
function torchTranspose(
  p: TransposeParams,
  inChannels: number,
  crops: readonly [AxisCrop, AxisCrop],
): string[] {
  const kernel = sizePair(p.kernelSize);
  const strides = sizePair(p.strides);
  const extra = [0, 1].map((axis) => Math.max(strides[axis] - kernel[axis], 0));
  const outputPadding = [0, 1].map((axis) => extra[axis] + crops[axis][0] - crops[axis][1]);
  const fits = outputPadding.every((op, axis) => op >= 0 && op < strides[axis]);
  const pair = (values: readonly number[]) =>
    values[0] === values[1] ? String(values[0]) : `(${values[0]}, ${values[1]})`;
  const module = (padding: readonly number[], op: readonly number[]) => {
    const options = [`kernel_size=${pySize(p.kernelSize)}`];
    if (!sizeIs(p.strides, 1)) options.push(`stride=${pySize(p.strides)}`);
    if (padding.some((v) => v !== 0)) options.push(`padding=${pair(padding)}`);
    if (op.some((v) => v !== 0)) options.push(`output_padding=${pair(op)}`);
    if (!p.useBias) options.push('bias=False');
    return `nn.ConvTranspose2d(${inChannels}, ${p.filters}, ${options.join(', ')})`;
  };
  if (fits) return [module([crops[0][0], crops[1][0]], outputPadding)];
  const [[top, bottom], [left, right]] = crops;
  // Negative padding crops.
  return [module([0, 0], extra), `nn.ZeroPad2d((${-left}, ${-right}, ${-top}, ${-bottom}))`];
}

/**
 * Transposed convolution (Keras Conv2DTranspose, PyTorch ConvTranspose2d): the gradient of
 * a strided convolution, so it enlarges the image (U-Net and GAN decoders).
 */
export const conv2dTranspose: NodeTypeDefinition<'conv2dTranspose'> = {
  type: 'conv2dTranspose',
  label: 'Transposed Conv',
  category: 'Convolution',
  doc: 'Learned upsampling: each input pixel paints a k×k patch, s pixels apart (Conv2DTranspose, decoders).',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'int', name: 'filters', label: 'Filters', default: 32, min: 1, max: 8192 },
    {
      kind: 'size',
      name: 'kernelSize',
      label: 'Kernel size',
      doc: 'k, or height × width.',
      default: 2,
      min: 1,
      max: 64,
    },
    {
      kind: 'size',
      name: 'strides',
      label: 'Stride',
      doc: 'The enlargement factor: s, or height × width.',
      default: 2,
      min: 1,
      max: 64,
    },
    {
      kind: 'padding',
      name: 'padding',
      label: 'Padding',
      doc: "Pixels cut from each side (PyTorch style), 'same' (output = input × stride) or 'valid'.",
      default: 0,
    },
    {
      kind: 'size',
      name: 'outputPadding',
      label: 'Output padding',
      doc: 'Rows / columns given back at the bottom / right (PyTorch output_padding); with padding in pixels only.',
      default: 0,
      min: 0,
      max: 63,
    },
    { kind: 'choice', name: 'activation', label: 'Activation', default: 'none', options: FUSED_ACTIVATIONS },
    { kind: 'bool', name: 'useBias', label: 'Bias', default: true },
  ],
  summarize(p) {
    const parts = [formatWindow(p.kernelSize), `${p.filters}↑`];
    if (!sizeIs(p.strides, 1)) parts.push(`s${sizeTag(p.strides)}`);
    const pad = paddingTag(p.padding);
    if (pad) parts.push(pad);
    if (!sizeIs(p.outputPadding, 0)) parts.push(`op${sizeTag(p.outputPadding)}`);
    if (p.activation !== 'none') parts.push(p.activation);
    return parts.join(' · ');
  },
  inferShape(p, inputs) {
    const input = singleImageInput('Transposed Conv', inputs);
    return [...transposeGeometry(p, input).spatial, p.filters];
  },
  paramCount(p, inputs) {
    const weights = kernelArea(p) * inputs[0][2] * p.filters;
    return { trainable: weights + (p.useBias ? p.filters : 0), nonTrainable: 0 };
  },
  // Every input pixel meets every kernel weight once (the output size includes cropped rows).
  macs: (p, inputs) => inputs[0][0] * inputs[0][1] * inputs[0][2] * kernelArea(p) * p.filters,
  compile(ctx, p, inputs) {
    const input = inputs[0];
    const [h, w, c] = input.shape.slice(1) as number[];
    const { crops } = transposeGeometry(p, [h, w, c]);
    // tfjs's 'same' is TensorFlow's crop; pixel padding is a crop of the 'valid' output.
    const tfPadding = p.padding === 'same' ? 'same' : 'valid';
    let y = ctx.tf.layers
      .conv2dTranspose({
        filters: p.filters,
        kernelSize: sizePair(p.kernelSize),
        strides: sizePair(p.strides),
        padding: tfPadding,
        activation: fusedActivationArg(p.activation),
        useBias: p.useBias,
        kernelInitializer: 'glorotUniform',
        biasInitializer: 'zeros',
        name: ctx.layerName('convt'),
      })
      .apply(input) as tfjs.SymbolicTensor;
    if (tfPadding === 'valid' && hasCrop(crops))
      y = ctx.tf.layers
        .cropping2D({
          cropping: [[...crops[0]] as [number, number], [...crops[1]] as [number, number]],
          name: ctx.layerName('crop'),
        })
        .apply(y) as tfjs.SymbolicTensor;
    return applyUnfusedActivation(ctx, y, p.activation);
  },
  export: {
    pytorch: {
      modules({ params: p, inputShapes }) {
        const [h, w, c] = inputShapes[0];
        const { crops } = transposeGeometry(p, [h, w, c]);
        const [transpose, ...crop] = torchTranspose(p, c, crops);
        // tfjs's transposed kernel (kh, kw, out, in) turned as a conv's is PyTorch's (in, out, kh, kw).
        return [
          { code: transpose, weights: [{ tfjsSuffix: 'convt', kind: 'conv' as const }] },
          ...crop.map((code) => ({ code })),
          ...torchFusedActivation(p.activation).map((code) => ({ code })),
        ];
      },
    },
    keras: {
      statement({ name, inputs, params: p, inputShapes }) {
        const [h, w, c] = inputShapes[0];
        const { crops } = transposeGeometry(p, [h, w, c]);
        const act = kerasFusedActivation(p.activation);
        const mode = p.padding === 'same' ? 'same' : 'valid';
        const cropped = mode === 'valid' && hasCrop(crops);
        const convName = cropped || act.after ? `${name}_convt` : name;
        const lines = [
          `${name} = layers.Conv2DTranspose(${p.filters}, ${pySize(p.kernelSize)}, ${pySize(p.strides)}, ${pyLiteral(mode)}, activation=${act.arg}, use_bias=${pyLiteral(p.useBias)}, name=${pyLiteral(convName)})(${inputs[0]})`,
        ];
        if (cropped)
          lines.push(
            `${name} = layers.Cropping2D(((${crops[0][0]}, ${crops[0][1]}), (${crops[1][0]}, ${crops[1][1]})))(${name})`,
          );
        if (act.after) lines.push(`${name} = ${act.after}(${name})`);
        return lines.join('\n');
      },
    },
    onnx: {
      // The full 'valid' output (output_padding adds the bias-only rows of a stride above the
      // kernel, as TensorFlow does), then the crop each padding asks for.
      nodes({ inputs, inputShapes, params: p }, onnx) {
        const [h, w, c] = inputShapes[0];
        const { full, crops } = transposeGeometry(p, [h, w, c]);
        const [kernel, bias] = onnx.weights('convt');
        // tfjs's [kh, kw, out, in] turned as a conv kernel is ONNX's [in, out, kh, kw].
        const weight = convKernelToOnnx(kernel.shape, kernel.data);
        const kernelSize = sizePair(p.kernelSize);
        const strides = sizePair(p.strides);
        const operands = [inputs[0], onnx.constant('convt_weight', weight.dims, weight.data)];
        if (bias) operands.push(onnx.constant('convt_bias', bias.shape, bias.data));
        let y = onnx.node('ConvTranspose', operands, {
          kernel_shape: { ints: kernelSize },
          strides: { ints: strides },
          output_padding: { ints: strides.map((s, axis) => Math.max(s - kernelSize[axis], 0)) },
        });
        if (hasCrop(crops))
          y = onnx.node('Slice', [
            y,
            onnx.constant('crop_starts', [2], [crops[0][0], crops[1][0]], 'int64'),
            onnx.constant('crop_ends', [2], [full[0] - crops[0][1], full[1] - crops[1][1]], 'int64'),
            onnx.constant('crop_axes', [2], [2, 3], 'int64'),
          ]);
        return onnxFusedActivation(onnx, y, p.activation);
      },
    },
  },
  import: {
    kerasClassNames: ['Conv2DTranspose', 'Conv2DTransposeV1'],
    fromKeras({ config: c }) {
      const kernelSize = kerasSize(c.kernel_size, 'kernel size');
      const strides = kerasSize(c.strides ?? 1, 'strides');
      if (!sizeIs(kerasSize(c.dilation_rate ?? 1, 'dilation'), 1))
        throw new UnmappableLayerError('dilation: TensorFlow.js has no dilated transposed convolution');
      const mode = String(c.padding ?? 'valid');
      if (mode !== 'valid' && mode !== 'same') throw new UnmappableLayerError(`padding "${mode}"`);
      const { activation, then } = fusedActivationFromKeras(c.activation);
      const common = {
        filters: Number(c.filters),
        kernelSize,
        strides,
        activation,
        useBias: c.use_bias !== false,
      };
      if (c.output_padding === null || c.output_padding === undefined)
        return { params: { ...common, padding: mode, outputPadding: 0 }, then };
      // Keras 'valid' with output padding op is (n − 1)·s + k + op: our p = 0 with op.
      if (mode === 'same')
        throw new UnmappableLayerError(
          "output_padding with padding 'same' (TensorFlow crops it unevenly); use padding 'valid'",
        );
      const outputPadding: WindowSize = kerasSize(c.output_padding, 'output padding');
      const op = sizePair(outputPadding);
      const [k, s] = [sizePair(kernelSize), sizePair(strides)];
      if (op.some((value, axis) => value > Math.max(s[axis] - k[axis], 0)))
        throw new UnmappableLayerError(
          `output_padding ${sizeTag(outputPadding)} adds bias-only rows past the kernel's reach`,
        );
      return { params: { ...common, padding: 0, outputPadding }, then };
    },
  },
};
