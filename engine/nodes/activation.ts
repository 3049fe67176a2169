import type * as tfjs from '@tensorflow/tfjs';
import { onnxActivation } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import { registerCustomLayers, type ElementwiseFunction } from './custom-layers';
import {
  UnmappableLayerError,
  type ImportedNode,
  type KerasLayer,
  type OnnxGraphBuilder,
} from './interchange';
import { singleInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

type Tf = typeof tfjs;
/** tfjs-layers' (and Keras's) name for an activation a layer can take as its `activation`. */
type TfActivationId = NonNullable<Parameters<Tf['layers']['activation']>[0]>['activation'];

/** Everything CNN Studio knows about one activation function, in every runtime it targets. */
interface ActivationSpec {
  /**
   * The tfjs identifier a conv / dense layer takes as its `activation` (with the fused
   * alpha); null when only a separate layer computes it.
   */
  tfjsId: TfActivationId | null;
  /** For functions with an alpha: its default on an activation node and its fixed value when fused into conv / dense. */
  alpha?: { default: number; fused: number };
  /** The activation as its own tfjs layer. */
  tfjsLayer(tf: Tf, alpha: number, name: string): tfjs.layers.Layer;
  /** The PyTorch module. */
  torch(alpha: number): string;
  /** The Keras layer (without its input). */
  keras(alpha: number): string;
  /** The Keras `activation=` identifier of the fused form; absent: the Keras layer follows the conv / dense. */
  kerasFusedId?: string;
  /** Keras / tfjs activation identifiers that mean this function, with the alpha each implies. */
  kerasIds: ReadonlyArray<{ id: string; alpha?: number }>;
}

/** Negative slope of a fused leaky ReLU (PyTorch's default; tfjs's own default is 0.3). */
export const FUSED_LEAKY_RELU_ALPHA = 0.01;

/** A function tfjs, PyTorch and Keras all know by name, without an alpha. */
const named = (
  id: TfActivationId & string,
  torch: string,
  kerasIds: readonly string[] = [id],
): ActivationSpec => ({
  tfjsId: id,
  tfjsLayer: (tf, _alpha, name) => tf.layers.activation({ activation: id, name }),
  torch: () => torch,
  keras: () => `layers.Activation(${pyLiteral(id)})`,
  kerasFusedId: id,
  kerasIds: kerasIds.map((kerasId) => ({ id: kerasId })),
});

/** A function computed by our `ElementwiseActivation` layer (tfjs has none in PyTorch's meaning). */
const elementwiseLayer =
  (fn: ElementwiseFunction) =>
  (tf: Tf, alpha: number, name: string): tfjs.layers.Layer =>
    new (registerCustomLayers(tf).ElementwiseActivation)({ fn, alpha, name });

/** relu6(x + 3) / 6 in Keras code: Keras 2's `hard_sigmoid` is 0.2x + 0.5, so it is spelled out. */
const KERAS_HARD_SIGMOID = 'tf.nn.relu6(t + 3.0) / 6.0';

/**
 * The one list of activation functions: the activation node's choices, the fused activation
 * of conv and dense, the compiled layers, the exported PyTorch / Keras code and the import
 * mapping all read it. Each means what PyTorch's module of that name computes (hard sigmoid
 * is relu6(x + 3) / 6, GELU the exact erf form). Softmax is over the last (class / channel) axis.
 */
const ACTIVATIONS = {
  relu: { ...named('relu', 'nn.ReLU()'), keras: () => 'layers.ReLU()' },
  relu6: { ...named('relu6', 'nn.ReLU6()'), keras: () => 'layers.ReLU(6.0)', kerasFusedId: undefined },
  leakyRelu: {
    tfjsId: null,
    alpha: { default: FUSED_LEAKY_RELU_ALPHA, fused: FUSED_LEAKY_RELU_ALPHA },
    tfjsLayer: (tf, alpha, name) => tf.layers.leakyReLU({ alpha, name }),
    torch: (alpha) => `nn.LeakyReLU(${pyLiteral(alpha)})`,
    keras: (alpha) => `layers.LeakyReLU(${pyLiteral(alpha)})`,
    // Keras 3's `leaky_relu` function slopes 0.2.
    kerasIds: [{ id: 'leaky_relu', alpha: 0.2 }],
  },
  elu: {
    tfjsId: 'elu',
    alpha: { default: 1, fused: 1 },
    // tfjs's ELU layer refuses alpha ≠ 1, so any other alpha is our own layer.
    tfjsLayer: (tf, alpha, name) =>
      alpha === 1 ? tf.layers.elu({ name }) : elementwiseLayer('elu')(tf, alpha, name),
    torch: (alpha) => `nn.ELU(${pyLiteral(alpha)})`,
    keras: (alpha) => `layers.ELU(${pyLiteral(alpha)})`,
    kerasFusedId: 'elu',
    kerasIds: [{ id: 'elu', alpha: 1 }],
  },
  selu: named('selu', 'nn.SELU()'),
  gelu: named('gelu', 'nn.GELU()'),
  swish: named('swish', 'nn.SiLU()', ['swish', 'silu']),
  hardSwish: {
    tfjsId: null,
    tfjsLayer: elementwiseLayer('hardSwish'),
    torch: () => 'nn.Hardswish()',
    keras: () => `layers.Activation(lambda t: t * ${KERAS_HARD_SIGMOID})`,
    kerasIds: [{ id: 'hard_swish' }, { id: 'hard_silu' }],
  },
  hardSigmoid: {
    tfjsId: null,
    tfjsLayer: elementwiseLayer('hardSigmoid'),
    torch: () => 'nn.Hardsigmoid()',
    keras: () => `layers.Activation(lambda t: ${KERAS_HARD_SIGMOID})`,
    // Keras's and tfjs's `hard_sigmoid` differ between versions; see fusedActivationFromKeras.
    kerasIds: [],
  },
  sigmoid: named('sigmoid', 'nn.Sigmoid()'),
  tanh: named('tanh', 'nn.Tanh()'),
  softplus: named('softplus', 'nn.Softplus()'),
  softmax: { ...named('softmax', 'nn.Softmax(dim=1)'), keras: () => 'layers.Softmax()' },
} as const satisfies Record<string, ActivationSpec>;

/** Activation functions a layer can apply. */
export type ActivationName = keyof typeof ACTIVATIONS;
/** Fused activation on conv and dense layers. */
export type FusedActivation = 'none' | ActivationName;

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as readonly ActivationName[];
/** The choices of a conv / dense layer's `activation` param. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['none', ...ACTIVATION_NAMES];

const spec = (fn: ActivationName): ActivationSpec => ACTIVATIONS[fn];

/** True for the functions whose `alpha` param matters (leaky ReLU's slope, ELU's scale). */
export const takesAlpha = (fn: ActivationName): boolean => spec(fn).alpha !== undefined;

/** An activation node's alpha when none is given: 1 for ELU, 0.01 (leaky ReLU's) otherwise. */
export const defaultAlpha = (fn: ActivationName): number => spec(fn).alpha?.default ?? FUSED_LEAKY_RELU_ALPHA;

/** The alpha a fused activation always has (0 for functions without one). */
const fusedAlpha = (fn: ActivationName): number => spec(fn).alpha?.fused ?? 0;

/**
 * What a tfjs conv / dense layer takes as its `activation` arg; a fused activation without
 * a tfjs identifier is 'linear' here and a separate layer after it.
 */
export function fusedActivationArg(activation: FusedActivation): TfActivationId {
  return (activation !== 'none' && spec(activation).tfjsId) || 'linear';
}

/** A fused activation that needs its own layer after the conv / dense, with its alpha; else null. */
export function fusedActivationLayer(
  activation: FusedActivation,
): { fn: ActivationName; alpha: number } | null {
  if (activation === 'none' || spec(activation).tfjsId !== null) return null;
  return { fn: activation, alpha: fusedAlpha(activation) };
}

/** An activation as its own tfjs layer. */
export const tfjsActivationLayer = (
  tf: Tf,
  fn: ActivationName,
  alpha: number,
  name: string,
): tfjs.layers.Layer => spec(fn).tfjsLayer(tf, alpha, name);

/** PyTorch module of an activation. */
export const torchActivation = (fn: ActivationName, alpha: number): string => spec(fn).torch(alpha);

/** The PyTorch module(s) of a fused activation ([] for none). */
export function torchFusedActivation(activation: FusedActivation): string[] {
  if (activation === 'none') return [];
  return [torchActivation(activation, fusedAlpha(activation))];
}

/** The ONNX nodes of a conv / dense layer's fused activation over `x` (none: `x` itself). */
export const onnxFusedActivation = (
  onnx: OnnxGraphBuilder,
  x: string,
  activation: FusedActivation,
): string => (activation === 'none' ? x : onnxActivation(onnx, x, activation, fusedAlpha(activation)));

/** Keras layer of an activation. */
export const kerasActivation = (fn: ActivationName, alpha: number): string => spec(fn).keras(alpha);

/** The Keras `activation=` argument of a fused activation and the layer that must follow, if any. */
export function kerasFusedActivation(activation: FusedActivation): { arg: string; after: string | null } {
  if (activation === 'none') return { arg: 'None', after: null };
  const fusedId = spec(activation).kerasFusedId;
  if (fusedId !== undefined) return { arg: pyLiteral(fusedId), after: null };
  return { arg: 'None', after: kerasActivation(activation, fusedAlpha(activation)) };
}

/**
 * A Keras / tfjs activation identifier as our function and alpha; null for 'linear'.
 *
 * @throws UnmappableLayerError for functions CNN Studio lacks, and for `hard_sigmoid`, whose
 *   meaning differs between Keras versions (0.2x + 0.5 in Keras 2 and tfjs).
 */
export function activationFromKeras(value: unknown): { fn: ActivationName; alpha: number } | null {
  const id = String(value ?? 'linear');
  if (id === 'linear') return null;
  if (id === 'hard_sigmoid' || id === 'hardSigmoid')
    throw new UnmappableLayerError(
      `activation "${id}" (Keras 2's and tfjs's are clip(0.2x + 0.5), Keras 3's and PyTorch's relu6(x + 3) / 6; CNN Studio's hard sigmoid is the latter)`,
    );
  for (const fn of ACTIVATION_NAMES) {
    const match = spec(fn).kerasIds.find((entry) => entry.id === id);
    if (match) return { fn, alpha: match.alpha ?? fusedAlpha(fn) };
  }
  throw new UnmappableLayerError(`activation "${id}"`);
}

/**
 * A conv / dense layer's Keras `activation` as our fused activation; when the fused form
 * cannot carry its alpha (Keras 3's leaky_relu slopes 0.2), an activation node follows.
 */
export function fusedActivationFromKeras(value: unknown): {
  activation: FusedActivation;
  then: NonNullable<ImportedNode['then']>;
} {
  const mapped = activationFromKeras(value);
  if (!mapped) return { activation: 'none', then: [] };
  if (mapped.alpha === fusedAlpha(mapped.fn)) return { activation: mapped.fn, then: [] };
  return { activation: 'none', then: [{ type: 'activation', params: { ...mapped }, suffix: 'act' }] };
}

/** Keras activation layers as our function and alpha (null: an identity). */
function activationLayerFromKeras(layer: KerasLayer): { fn: ActivationName; alpha: number } | null {
  const c = layer.config;
  switch (layer.className) {
    case 'ReLU': {
      const slope = Number(c.negative_slope ?? 0);
      const threshold = Number(c.threshold ?? 0);
      const max = c.max_value == null ? null : Number(c.max_value);
      if (threshold === 0 && slope === 0 && max === null) return { fn: 'relu', alpha: 0 };
      if (threshold === 0 && slope === 0 && max === 6) return { fn: 'relu6', alpha: 0 };
      if (threshold === 0 && slope > 0 && max === null) return { fn: 'leakyRelu', alpha: slope };
      throw new UnmappableLayerError(
        `a ReLU with max value ${String(max)}, negative slope ${slope} and threshold ${threshold}`,
      );
    }
    case 'LeakyReLU':
      return { fn: 'leakyRelu', alpha: Number(c.alpha ?? c.negative_slope ?? 0.3) };
    case 'ELU':
      return { fn: 'elu', alpha: Number(c.alpha ?? 1) };
    case 'Softmax':
      if (
        c.axis !== undefined &&
        c.axis !== -1 &&
        !(Array.isArray(c.axis) && c.axis.length === 1 && c.axis[0] === -1)
      )
        throw new UnmappableLayerError(`softmax over axis ${JSON.stringify(c.axis)} (only the last axis)`);
      return { fn: 'softmax', alpha: 0 };
    default:
      return activationFromKeras(c.activation);
  }
}

/** An element-wise activation as its own node (softmax: over the last axis). */
export const activation: NodeTypeDefinition<'activation'> = {
  type: 'activation',
  label: 'Activation',
  category: 'Activation',
  doc: 'Applies a non-linearity to every value (ReLU, ReLU6, leaky ReLU, ELU, SELU, GELU, swish / SiLU, hard swish, hard sigmoid, sigmoid, tanh, softplus, softmax); shape unchanged.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'choice', name: 'fn', label: 'Function', default: 'relu', options: ACTIVATION_NAMES },
    {
      kind: 'float',
      name: 'alpha',
      label: 'Alpha',
      doc: 'Negative slope of leakyRelu (default 0.01) or scale of elu (default 1); other functions ignore it.',
      default: 0.01,
      min: 0,
    },
  ],
  summarize: (p) => (takesAlpha(p.fn) ? `${p.fn} α${p.alpha}` : p.fn),
  inferShape: (_p, inputs) => singleInput('Activation', inputs),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  appliesSoftmax: (p) => p.fn === 'softmax',
  compile: (ctx, p, inputs) =>
    tfjsActivationLayer(ctx.tf, p.fn, p.alpha, ctx.layerName('act')).apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: ({ params: p }) => [{ code: torchActivation(p.fn, p.alpha) }],
      featureOrder: 'keeps',
    },
    keras: {
      statement: ({ name, inputs, params: p }) => `${name} = ${kerasActivation(p.fn, p.alpha)}(${inputs[0]})`,
    },
    onnx: { nodes: ({ inputs, params: p }, onnx) => onnxActivation(onnx, inputs[0], p.fn, p.alpha) },
  },
  import: {
    kerasClassNames: ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax'],
    fromKeras: (layer) => {
      const mapped = activationLayerFromKeras(layer);
      return mapped && { params: { ...mapped } };
    },
  },
};
