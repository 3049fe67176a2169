/**
 * The node-type contract: one definition object per node type, read by the palette, the
 * inspector forms, the shape labels on edges, the validator and the compiler alike.
 *
 * Definitions live one per file in engine/nodes/ and are collected in the registry
 * (engine/nodes/registry.ts). They never import tfjs values: `compile` receives `tf`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Padding, Params, Shape } from '../graph/document';
import type { ParamCount } from '../graph/types';
import type { ActivationName, FusedActivation } from './activation';
import type { NodeExportRules, NodeImportRules } from './interchange';

export type { ActivationName, FusedActivation } from './activation';

/**
 * A window size, stride or dilation: one number for both axes, or `[height, width]` for a
 * non-square one (Inception v3's 1×7 and 7×1 convolutions). Documents written before pairs
 * existed hold numbers and mean the same.
 */
export type WindowSize = number | readonly [number, number];

/** Every node type id the engine knows. Files and presets use exactly these. */
export type NodeTypeId =
  | 'input'
  | 'conv2d'
  | 'depthwiseConv2d'
  | 'separableConv2d'
  | 'conv2dTranspose'
  | 'maxPool2d'
  | 'avgPool2d'
  | 'globalAvgPool2d'
  | 'globalMaxPool2d'
  | 'batchNorm'
  | 'activation'
  | 'dense'
  | 'dropout'
  | 'spatialDropout2d'
  | 'flatten'
  | 'concat'
  | 'add'
  | 'multiply'
  | 'resize'
  | 'upSampling2d'
  | 'zeroPadding2d'
  | 'cropping2d'
  | 'reshape'
  | 'vggBlock'
  | 'ninBlock'
  | 'inception'
  | 'residual'
  | 'denseBlock'
  | 'transition'
  | 'squeezeExcitation'
  | 'bottleneck'
  | 'invertedResidual'
  | 'depthwiseSeparable';

/**
 * The params of each node type, by name. Presets, the exporter and the editor rely on
 * these names; change one only with a document migration.
 */
export interface NodeParamsMap {
  input: { height: number; width: number; channels: number };
  conv2d: {
    filters: number;
    kernelSize: WindowSize;
    strides: WindowSize;
    padding: Padding;
    dilation: WindowSize;
    activation: FusedActivation;
    useBias: boolean;
  };
  /** Each input channel convolved with its own `depthMultiplier` filters; channels × multiplier out. */
  depthwiseConv2d: {
    depthMultiplier: number;
    kernelSize: WindowSize;
    strides: WindowSize;
    padding: Padding;
    dilation: WindowSize;
    activation: FusedActivation;
    useBias: boolean;
  };
  /** Depthwise conv (no bias, no activation), then a 1×1 conv to `filters` with bias and activation. */
  separableConv2d: {
    filters: number;
    depthMultiplier: number;
    kernelSize: WindowSize;
    strides: WindowSize;
    padding: Padding;
    dilation: WindowSize;
    activation: FusedActivation;
    useBias: boolean;
  };
  /**
   * Enlarges like the gradient of a strided conv. Numeric padding and `outputPadding` are
   * PyTorch's ConvTranspose2d's; 'same' gives input × stride, 'valid' Keras's full output.
   */
  conv2dTranspose: {
    filters: number;
    kernelSize: WindowSize;
    strides: WindowSize;
    padding: Padding;
    outputPadding: WindowSize;
    activation: FusedActivation;
    useBias: boolean;
  };
  /** `strides` defaults to `poolSize`, as in PyTorch. */
  maxPool2d: { poolSize: WindowSize; strides: WindowSize; padding: Padding };
  /** Numeric padding counts the zeros in the average (PyTorch's count_include_pad). */
  avgPool2d: { poolSize: WindowSize; strides: WindowSize; padding: Padding };
  /** Averages each channel over the whole image: [h, w, c] → [1, 1, c]; follow with flatten. */
  globalAvgPool2d: Record<string, never>;
  /** The largest value of each channel: [h, w, c] → [1, 1, c]; follow with flatten. */
  globalMaxPool2d: Record<string, never>;
  /** PyTorch-style momentum 0.1 is tfjs momentum 0.9; we store tfjs's meaning. */
  batchNorm: { momentum: number; epsilon: number };
  /** `alpha` is the negative slope of leakyRelu and the scale of elu. */
  activation: { fn: ActivationName; alpha: number };
  dense: { units: number; activation: FusedActivation; useBias: boolean };
  dropout: { rate: number };
  /** Drops whole channels (one draw per example and channel). */
  spatialDropout2d: { rate: number };
  flatten: Record<string, never>;
  concat: Record<string, never>;
  add: Record<string, never>;
  /** Element-wise product; size-1 axes stretch (a [1, 1, c] gate times an [h, w, c] image). */
  multiply: Record<string, never>;
  /** Bilinear resize of an image tensor to a fixed size. */
  resize: { height: number; width: number };
  /** Enlarges by whole factors per axis. */
  upSampling2d: { size: WindowSize; interpolation: 'nearest' | 'bilinear' };
  /** Zeros added on each side, in pixels. */
  zeroPadding2d: { top: number; bottom: number; left: number; right: number };
  /** Pixels cut from each side. */
  cropping2d: { top: number; bottom: number; left: number; right: number };
  /** The same values in channels-last order as height × width × channels; one of them may be -1 (inferred). */
  reshape: { height: number; width: number; channels: number };
  /** numConvs × [conv(filters, 3, p1) relu] then maxpool(2, 2). */
  vggBlock: { numConvs: number; filters: number };
  /** conv(filters, k, s, p) relu, conv(filters, 1) relu, conv(filters, 1) relu. */
  ninBlock: { filters: number; kernelSize: number; strides: number; padding: Padding };
  /** Inception(c1, (c2a, c2b), (c3a, c3b), c4); relu after every conv. */
  inception: { c1: number; c2: readonly [number, number]; c3: readonly [number, number]; c4: number };
  /** conv(f,3,s,p1) BN relu conv(f,3,p1) BN + shortcut (input, or conv(f,1,s) if use1x1); relu. */
  residual: { filters: number; use1x1: boolean; strides: number };
  /** numConvs × [BN relu conv(growthRate, 3, p1)], each output concatenated onto its input. */
  denseBlock: { numConvs: number; growthRate: number };
  /** BN relu conv(filters, 1) avgpool(2, 2). */
  transition: { filters: number };
  /** pool, conv(squeeze, 1) relu, conv(channels, 1), gate; input × gate. */
  /** ResNet-50's: conv(f,1,s) BN relu conv(f,3,p1) BN relu conv(4f,1) BN + shortcut (conv(4f,1,s) BN if projection); relu. */
  bottleneck: { filters: number; projection: boolean; strides: number };
  squeezeExcitation: { channels: number; squeezeChannels: number; gate: 'sigmoid' | 'hardSigmoid' };
  /**
   * MobileNetV2's: conv(channels × expansion, 1) BN relu6 (none when expansion is 1), depthwise
   * 3×3 stride s BN relu6, [squeeze-excitation], conv(filters, 1) BN; + input when s = 1 and
   * channels = filters. `channels` is the input's.
   */
  invertedResidual: {
    channels: number;
    expansion: number;
    filters: number;
    strides: number;
    squeezeExcitation: boolean;
  };
  /** MobileNet v1's: depthwise 3×3 stride s BN relu6, conv(filters, 1) BN relu6. */
  depthwiseSeparable: { filters: number; strides: number; depthMultiplier: number };
}

export type NodeCategory =
  | 'Input'
  | 'Convolution'
  | 'Pooling'
  | 'Normalization'
  | 'Activation'
  | 'Dense'
  | 'Regularization'
  | 'Structure'
  | 'Blocks';

/** A param's schema: drives validation, defaults and the inspector's form field. */
export type ParamSpec =
  | { kind: 'int'; name: string; label: string; doc?: string; default: number; min?: number; max?: number }
  | {
      kind: 'float';
      name: string;
      label: string;
      doc?: string;
      default: number;
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      exclusiveMax?: boolean;
    }
  | { kind: 'bool'; name: string; label: string; doc?: string; default: boolean }
  | { kind: 'choice'; name: string; label: string; doc?: string; default: string; options: readonly string[] }
  /** A {@link WindowSize}: a whole number in range, or a `[height, width]` pair of them. */
  | { kind: 'size'; name: string; label: string; doc?: string; default: number; min?: number; max?: number }
  /** `valid`, `same`, or pixels per side (an int ≥ 0). */
  | { kind: 'padding'; name: string; label: string; doc?: string; default: Padding }
  /** Two ints, e.g. an Inception branch's (reduce, out) channels. */
  | {
      kind: 'intPair';
      name: string;
      label: string;
      doc?: string;
      default: readonly [number, number];
      min?: number;
      max?: number;
    };

export interface PortSpec {
  name: string;
  /** A multi port takes any number ≥ `minConnections` of edges (concat, add). */
  multiple?: boolean;
  /** For multi ports; default 1. */
  minConnections?: number;
}

/** Thrown by `inferShape` with a message a person understands, quoting the values. */
export class ShapeError extends Error {
  constructor(
    message: string,
    /** The issue kind, when more specific than a plain shape mismatch. */
    readonly code: 'shape-mismatch' | 'needs-flatten' | 'spatial-too-small' = 'shape-mismatch',
  ) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** What the compiler hands each node's `compile`. */
export interface CompileContext {
  /** The TensorFlow.js namespace (the engine passes it in; the node files never import it). */
  tf: typeof tfjs;
  /** A unique, stable layer name for this node, e.g. `layer('conv')` → `c1_conv`. */
  layerName(suffix: string): string;
}

/** A block's inner layers, in document form without positions. `'$in'` is the block's input. */
export interface Subgraph {
  nodes: Array<{ id: string; type: NodeTypeId; params: Params; label?: string }>;
  /** Edges between inner nodes by id (single-port types); `'$in'` stands for the block input. */
  edges: Array<{ source: string; target: string }>;
  /** The inner node whose output is the block's output. */
  output: string;
}

/**
 * One node type. `P` is its params object (`NodeParamsMap[T]`).
 *
 * @example
 * const def = getNodeType('conv2d');
 * def.inferShape({ ...defaults(def), filters: 6, kernelSize: 5, padding: 2 }, [[28, 28, 1]]); // [28, 28, 6]
 */
export interface NodeTypeDefinition<T extends NodeTypeId = NodeTypeId> {
  type: T;
  /** Palette name, e.g. "Conv 2D". */
  label: string;
  category: NodeCategory;
  /** One line shown on hover in the palette. */
  doc: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  params: readonly ParamSpec[];
  /** Key params at a glance for the node face, e.g. `5×5 · 6 · p2`. */
  summarize(params: NodeParamsMap[T]): string;
  /** Output shape from input shapes. Pure; throws `ShapeError`. */
  inferShape(params: NodeParamsMap[T], inputs: readonly Shape[]): Shape;
  /** Parameters the built layer(s) hold (tfjs `countParams()` splits). */
  paramCount(params: NodeParamsMap[T], inputs: readonly Shape[]): ParamCount;
  /** Multiply-adds per example. */
  macs(params: NodeParamsMap[T], inputs: readonly Shape[], output: Shape): number;
  /** Adds the node's layers to a functional model under construction. */
  compile(ctx: CompileContext, params: NodeParamsMap[T], inputs: tfjs.SymbolicTensor[]): tfjs.SymbolicTensor;
  /** Blocks only: the inner layers, so the editor can expand them and the exporter mirror them. */
  expand?(params: NodeParamsMap[T]): Subgraph;
  /** True when the node's output is softmax probabilities (training then takes a log loss on them). */
  appliesSoftmax?(params: NodeParamsMap[T]): boolean;
  /** How the node is written as PyTorch / Keras code (TensorFlow.js export is `compile`). */
  export?: NodeExportRules<NodeParamsMap[T]>;
  /** Which Keras / TensorFlow.js layers become this node, and how. */
  import?: NodeImportRules;
}
