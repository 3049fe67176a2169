/**
 * The part of a node-type definition that other tools read: how the node is written as
 * PyTorch and Keras code, and how a Keras / TensorFlow.js layer becomes this node. The code
 * exporters (engine/export) and the importer only walk the graph and ask each definition, so
 * a new node type brings its own rules in its own file and no exporter changes.
 *
 * TensorFlow.js export is the definition's `compile` (the compiled model is saved as is);
 * ONNX export is the `onnx` rule, which writes the layer's ONNX nodes and weights
 * (engine/export/onnx walks the plan). A further target becomes one more optional member of
 * {@link NodeExportRules} and one exporter that walks the plan like pytorch-model.ts.
 */
import type { Padding, Params, Shape } from '../graph/document';
import type { WindowSize } from './types';

/** One layer as an exporter hands it to its definition's rules. */
export interface ExportLayer<P> {
  /** The layer's output variable / attribute name in the generated code. */
  name: string;
  params: P;
  /** Names of the values it consumes, in input order. */
  inputs: readonly string[];
  inputShapes: readonly Shape[];
  outputShape: Shape;
}

/**
 * Thrown by an export rule when the target cannot express this layer's settings; the
 * exporter turns it into an `ExportError` naming the node.
 */
export class UnexportableLayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexportableLayerError';
  }
}

/** What kind of tfjs weights a PyTorch module holds, which decides their layout change. */
export type TorchWeightKind = 'conv' | 'dense' | 'bn';

/** One weight-holding tfjs layer inside a PyTorch module. */
export interface TorchWeight {
  /** The tfjs layer's name after the node's own prefix, e.g. `conv` or `p2_reduce_conv`. */
  tfjsSuffix: string;
  kind: TorchWeightKind;
  /** The sub-module inside this module that holds it (`b2_1`, `net.0.2`); none = the module itself. */
  path?: string;
}

/** One PyTorch module expression and the trained weights it receives. */
export interface TorchModule {
  code: string;
  weights?: readonly TorchWeight[];
}

/** How a layer reorders the features of a flat vector, for converting Dense weights. */
export type FeatureOrder =
  /** The output keeps the input's feature order (dropout, activations, batch norm). */
  | 'keeps'
  /** An image becomes a vector: channels-last in tfjs, channels-first in PyTorch. */
  | 'flattens'
  /** Inputs are added element-wise: vectors all in one order keep it. */
  | 'sums'
  /** Inputs are stacked: reordered vectors among them cannot be followed. */
  | 'concatenates';

export interface PytorchRules<P> {
  /** Python source (classes, functions) the modules call; written once per model.py. */
  helper?: string;
  /** The module(s) the layer becomes, applied in sequence; [] for a layer done in `forward`. */
  modules(layer: ExportLayer<P>): TorchModule[];
  /** For layers without modules: the forward expression over the input value names. */
  forward?(inputs: readonly string[]): string;
  /** Absent: the output's feature order starts afresh (PyTorch's own order). */
  featureOrder?: FeatureOrder;
}

export interface KerasRules<P> {
  /** Python source (functions) the statement calls; written once per script. */
  helper?: string;
  /** Statement(s) that assign the layer's output to `layer.name` from `layer.inputs`. */
  statement(layer: ExportLayer<P>): string;
}

/** Code export per target. A missing target makes that export fail naming the node. */
export interface NodeExportRules<P> {
  pytorch?: PytorchRules<P>;
  keras?: KerasRules<P>;
  onnx?: OnnxRules<P>;
  // The next target goes here, read by an exporter that walks the plan with
  // `applyRules(layer, '<target>', …)` like pytorch-model.ts.
}

/** An ONNX node attribute, typed as ONNX stores it. */
export type OnnxAttribute =
  { i: number } | { f: number } | { s: string } | { ints: readonly number[] } | { floats: readonly number[] };

/** One weight tensor of a compiled tfjs layer, in tfjs's layout (e.g. a conv kernel [kh, kw, in, out]). */
export interface OnnxSourceWeight {
  shape: readonly number[];
  data: Float32Array;
}

/**
 * What an ONNX rule writes its layer into (engine/export/onnx implements it). Values are
 * NCHW ONNX tensors named by strings; engine shapes in {@link ExportLayer} stay [h, w, c].
 */
export interface OnnxGraphBuilder {
  /** Adds one ONNX node; returns the name of its (first) output. */
  node(opType: string, inputs: readonly string[], attributes?: Record<string, OnnxAttribute>): string;
  /** Adds a constant tensor (an initializer) named after the layer and `hint`; returns its name. */
  constant(
    hint: string,
    dims: readonly number[],
    values: Float32Array | readonly number[],
    type?: 'float' | 'int64',
  ): string;
  /**
   * The weights of the compiled tfjs layer `<node>_<suffix>` (trained, or freshly
   * initialised), in tfjs's order and layout.
   */
  weights(suffix: string): OnnxSourceWeight[];
  /** This builder for a part of the layer whose tfjs layers are named `<node>_<prefix>_<suffix>`. */
  scoped(prefix: string): OnnxGraphBuilder;
}

export interface OnnxRules<P> {
  /**
   * Writes the layer as ONNX nodes reading `layer.inputs` (NCHW values) and returns the
   * name of its output value. A layer that is an identity at inference (dropout) returns its input.
   *
   * @throws UnexportableLayerError for settings ONNX cannot express.
   */
  nodes(layer: ExportLayer<P>, onnx: OnnxGraphBuilder): string;
}

/** A Keras / tfjs layer as the importer read it from a model.json. */
export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
}

/** A Keras layer's settings as this node's params, and any nodes that must follow it. */
export interface ImportedNode {
  params: Params;
  /** Extra nodes after this one, e.g. GlobalAveragePooling2D → pool, then flatten. */
  then?: Array<{ type: string; params: Params; suffix: string }>;
}

/** A layer of a class this node reads, whose settings have no CNN Studio equivalent. */
export class UnmappableLayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnmappableLayerError';
  }
}

export interface NodeImportRules {
  /** Keras / tfjs `class_name`s this node type reads. */
  kerasClassNames: readonly string[];
  /** A ZeroPadding2D ('zero') or NegInfPadding2D ('-inf') in front folds into numeric padding. */
  foldsPadding?: 'zero' | '-inf';
  /**
   * The node's params from the layer config; `foldedPadding` is the pixels per side of a
   * padding layer folded in (null if none). Returns null for a layer that is an identity
   * (the graph is wired through it).
   *
   * @throws UnmappableLayerError for settings the node cannot take.
   */
  fromKeras(layer: KerasLayer, foldedPadding: number | null): ImportedNode | null;
}

/** A Keras size / stride / rate (one number or `[h, w]`) as ours: one number when square. */
export function kerasSize(value: unknown, what: string): WindowSize {
  const values = (Array.isArray(value) ? value : [value, value]).map(Number);
  if (values.length !== 2 || !values.every(Number.isFinite))
    throw new UnmappableLayerError(
      `${what} ${value === undefined ? 'is missing' : `${JSON.stringify(value)} is not one or two numbers`}`,
    );
  return values[0] === values[1] ? values[0] : [values[0], values[1]];
}

/** A window layer's padding: Keras's 'valid'/'same', or the pixels of a folded padding layer. */
export function kerasWindowPadding(config: Record<string, unknown>, foldedPadding: number | null): Padding {
  const padding = String(config.padding ?? 'valid');
  if (padding !== 'valid' && padding !== 'same') throw new UnmappableLayerError(`padding "${padding}"`);
  if (foldedPadding === null) return padding;
  if (padding !== 'valid') throw new UnmappableLayerError('a padding layer before a "same" layer');
  return foldedPadding;
}
