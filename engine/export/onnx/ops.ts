/**
 * The ONNX pieces node types' `onnx` rules share: activations, convolutions (plain,
 * depthwise as a group conv), pooling with explicit pads, and the weight layout changes
 * from tfjs (NHWC, kernels [kh, kw, in, out]) to ONNX (NCHW, kernels [out, in, kh, kw]).
 *
 * Every padding is written as explicit `pads` computed the way TensorFlow.js pads, so the
 * exported model computes exactly what the engine computes. No protobuf here: node files
 * import this, and the renderer bundles node files.
 */
import type { Padding, Shape } from '../../graph/document';
import type { ActivationName } from '../../nodes/activation';
import { UnexportableLayerError, type OnnxGraphBuilder } from '../../nodes/interchange';
import type { WindowSize } from '../../nodes/types';

/** The opset the exporter writes (HardSigmoid, Clip with min/max inputs, Resize 13). */
export const ONNX_OPSET = 13;

const pair = (size: WindowSize): [number, number] =>
  typeof size === 'number' ? [size, size] : [size[0], size[1]];

/** SELU's constants, as tfjs and ONNX both define them. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

/** One activation function as ONNX nodes over `x`; returns the output value. */
export function onnxActivation(onnx: OnnxGraphBuilder, x: string, fn: ActivationName, alpha: number): string {
  switch (fn) {
    case 'relu':
      return onnx.node('Relu', [x]);
    case 'relu6':
      return onnx.node('Clip', [x, onnx.constant('min', [], [0]), onnx.constant('max', [], [6])]);
    case 'leakyRelu':
      return onnx.node('LeakyRelu', [x], { alpha: { f: alpha } });
    case 'elu':
      return onnx.node('Elu', [x], { alpha: { f: alpha } });
    case 'selu':
      return onnx.node('Selu', [x], { alpha: { f: SELU_ALPHA }, gamma: { f: SELU_GAMMA } });
    case 'gelu': {
      // The exact (erf) form; ONNX's Gelu op only exists from opset 20.
      const scaled = onnx.node('Div', [x, onnx.constant('sqrt2', [], [Math.SQRT2])]);
      const erf = onnx.node('Erf', [scaled]);
      const onePlus = onnx.node('Add', [erf, onnx.constant('one', [], [1])]);
      const half = onnx.node('Mul', [x, onnx.constant('half', [], [0.5])]);
      return onnx.node('Mul', [half, onePlus]);
    }
    case 'swish':
      return onnx.node('Mul', [x, onnx.node('Sigmoid', [x])]);
    case 'hardSigmoid':
      return onnx.node('HardSigmoid', [x], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } });
    case 'hardSwish':
      return onnx.node('Mul', [x, onnx.node('HardSigmoid', [x], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } })]);
    case 'sigmoid':
      return onnx.node('Sigmoid', [x]);
    case 'tanh':
      return onnx.node('Tanh', [x]);
    case 'softplus':
      return onnx.node('Softplus', [x]);
    case 'softmax':
      // The engine's last axis is the channel / feature axis: axis 1 in NCHW and in [N, F].
      return onnx.node('Softmax', [x], { axis: { i: 1 } });
  }
}

/** Pixels before and after along one axis, as TensorFlow.js's 'same' pads (the odd pixel after). */
function samePads(size: number, extent: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + extent - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * ONNX `pads` ([top, left, bottom, right]) of a window layer over an `[h, w, c]` input:
 * numeric padding on every side, 'valid' none, 'same' as TensorFlow.js pads.
 */
export function windowPads(
  padding: Padding,
  input: Shape,
  window: WindowSize,
  strides: WindowSize,
  dilation: WindowSize = 1,
): number[] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding === 'valid') return [0, 0, 0, 0];
  const [kh, kw] = pair(window);
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilation);
  const [top, bottom] = samePads(input[0], (kh - 1) * dh + 1, sh);
  const [left, right] = samePads(input[1], (kw - 1) * dw + 1, sw);
  return [top, left, bottom, right];
}

/** tfjs conv kernel [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
export function convKernelToOnnx(
  shape: readonly number[],
  kernel: Float32Array,
): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = shape;
  const data = new Float32Array(kernel.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          data[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o];
  return { dims: [cout, cin, kh, kw], data };
}

/**
 * tfjs depthwise kernel [kh, kw, c, m] → ONNX group-conv kernel [c·m, 1, kh, kw]; output
 * channel c·m + j is input channel c's j-th filter in both.
 */
export function depthwiseKernelToOnnx(
  shape: readonly number[],
  kernel: Float32Array,
): { dims: number[]; data: Float32Array } {
  const [kh, kw, c, m] = shape;
  const data = new Float32Array(kernel.length);
  for (let ch = 0; ch < c; ch++)
    for (let j = 0; j < m; j++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          data[((ch * m + j) * kh + y) * kw + x] = kernel[((y * kw + x) * c + ch) * m + j];
  return { dims: [c * m, 1, kh, kw], data };
}

/** The window settings of a convolution as the ONNX rules read them. */
export interface OnnxConvWindow {
  kernelSize: WindowSize;
  strides: WindowSize;
  padding: Padding;
  dilation: WindowSize;
}

/**
 * A Conv node with the weights of tfjs layer `<node>_<suffix>` (a Conv2D, or with
 * `depthwise` a DepthwiseConv2D written as a conv of `channels` groups).
 */
export function onnxConv(
  onnx: OnnxGraphBuilder,
  x: string,
  input: Shape,
  window: OnnxConvWindow,
  suffix: string,
  depthwise = false,
): string {
  const [kernel, bias] = onnx.weights(suffix);
  const onnxKernel = depthwise
    ? depthwiseKernelToOnnx(kernel.shape, kernel.data)
    : convKernelToOnnx(kernel.shape, kernel.data);
  const inputs = [x, onnx.constant(`${suffix}_weight`, onnxKernel.dims, onnxKernel.data)];
  if (bias) inputs.push(onnx.constant(`${suffix}_bias`, bias.shape, bias.data));
  return onnx.node('Conv', inputs, {
    kernel_shape: { ints: onnxKernel.dims.slice(2) },
    strides: { ints: pair(window.strides) },
    dilations: { ints: pair(window.dilation) },
    pads: { ints: windowPads(window.padding, input, window.kernelSize, window.strides, window.dilation) },
    group: { i: depthwise ? input[2] : 1 },
  });
}

/** A MaxPool / AveragePool node; average pooling counts padded zeros only for numeric padding (as the engine does). */
export function onnxPool(
  onnx: OnnxGraphBuilder,
  op: 'MaxPool' | 'AveragePool',
  x: string,
  input: Shape,
  p: { poolSize: WindowSize; strides: WindowSize; padding: Padding },
): string {
  const pads = windowPads(p.padding, input, p.poolSize, p.strides);
  return onnx.node(op, [x], {
    kernel_shape: { ints: pair(p.poolSize) },
    strides: { ints: pair(p.strides) },
    pads: { ints: pads },
    ...(op === 'AveragePool' && pads.some((pad) => pad > 0)
      ? { count_include_pad: { i: typeof p.padding === 'number' ? 1 : 0 } }
      : {}),
  });
}

/** A Gemm over a tfjs Dense layer's kernel [in, out] (no transpose needed) and bias. */
export function onnxDense(onnx: OnnxGraphBuilder, x: string, suffix: string): string {
  const [kernel, bias] = onnx.weights(suffix);
  const inputs = [x, onnx.constant(`${suffix}_weight`, kernel.shape, kernel.data)];
  if (bias) inputs.push(onnx.constant(`${suffix}_bias`, bias.shape, bias.data));
  return onnx.node('Gemm', inputs);
}

/**
 * Flattens an NCHW image in the engine's [h, w, c] order (Transpose to NHWC, then Flatten),
 * so Dense weights keep their tfjs layout; a vector passes through.
 */
export function onnxFlatten(onnx: OnnxGraphBuilder, x: string, input: Shape): string {
  if (input.length !== 3) return x;
  const nhwc = onnx.node('Transpose', [x], { perm: { ints: [0, 2, 3, 1] } });
  return onnx.node('Flatten', [nhwc], { axis: { i: 1 } });
}

/** Refuses a layer setting ONNX export cannot write. */
export function unexportable(message: string): never {
  throw new UnexportableLayerError(message);
}

/**
 * A Resize of an NCHW image to `[h, w]` (batch and channels kept), sampling as TensorFlow.js
 * does: source pixel = output pixel × in / out, no half-pixel centres ('asymmetric'), nearest
 * rounding down.
 */
export function onnxResize(
  onnx: OnnxGraphBuilder,
  x: string,
  size: readonly [number, number],
  mode: 'nearest' | 'linear',
): string {
  const shape = onnx.node('Shape', [x]);
  const batchAndChannels = onnx.node('Slice', [
    shape,
    onnx.constant('starts', [1], [0], 'int64'),
    onnx.constant('ends', [1], [2], 'int64'),
  ]);
  const sizes = onnx.node('Concat', [batchAndChannels, onnx.constant('size', [2], size, 'int64')], {
    axis: { i: 0 },
  });
  return onnx.node('Resize', [x, '', '', sizes], {
    mode: { s: mode },
    coordinate_transformation_mode: { s: 'asymmetric' },
    ...(mode === 'nearest' ? { nearest_mode: { s: 'floor' } } : {}),
  });
}

/** Element-wise Add / Mul over any number of inputs, pairwise (NCHW broadcasting matches the engine's). */
export function onnxElementwise(
  onnx: OnnxGraphBuilder,
  op: 'Add' | 'Mul',
  inputs: readonly string[],
): string {
  return inputs.slice(1).reduce((sum, next) => onnx.node(op, [sum, next]), inputs[0]);
}
