import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { UnmappableLayerError, type KerasLayer } from './interchange';
import { singleInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/** tfjs-layers' (and Keras's) name for an activation a layer can take as its `activation`. */
type TfActivationId = NonNullable<Parameters<typeof tfjs.layers.activation>[0]>['activation'];

/** Everything CNN Studio knows about one activation function, in every runtime it targets. */
interface ActivationSpec {
  /** The tfjs / Keras identifier; null when only a separate layer computes it (leaky ReLU). */
  id: TfActivationId | null;
  /** For functions with an alpha: the alpha of the fused form on conv / dense (they have no alpha param). */
  fusedAlpha?: number;
  /** The activation as its own tfjs layer. */
  tfjsLayer(layers: typeof tfjs.layers, alpha: number, name: string): tfjs.layers.Layer;
  /** The PyTorch module. */
  torch(alpha: number): string;
  /** The Keras layer (without its input). */
  keras(alpha: number): string;
}

/** Negative slope of a fused leaky ReLU (PyTorch's default; tfjs's own default is 0.3). */
export const FUSED_LEAKY_RELU_ALPHA = 0.01;

const byId = (id: TfActivationId, torch: string): ActivationSpec => ({
  id,
  tfjsLayer: (layers, _alpha, name) => layers.activation({ activation: id, name }),
  torch: () => torch,
  keras: () => `layers.Activation(${pyLiteral(id)})`,
});

/**
 * The one list of activation functions: the activation node's choices, the fused activation
 * of conv and dense, the compiled layers, the exported PyTorch / Keras code and the import
 * mapping all read it. Softmax is over the last (class / channel) axis.
 */
const ACTIVATIONS = {
  relu: byId('relu', 'nn.ReLU()'),
  sigmoid: byId('sigmoid', 'nn.Sigmoid()'),
  tanh: byId('tanh', 'nn.Tanh()'),
  softmax: { ...byId('softmax', 'nn.Softmax(dim=1)'), keras: () => 'layers.Softmax()' },
  leakyRelu: {
    id: null,
    fusedAlpha: FUSED_LEAKY_RELU_ALPHA,
    tfjsLayer: (layers, alpha, name) => layers.leakyReLU({ alpha, name }),
    torch: (alpha) => `nn.LeakyReLU(${pyLiteral(alpha)})`,
    keras: (alpha) => `layers.LeakyReLU(${pyLiteral(alpha)})`,
  },
  elu: {
    id: 'elu',
    fusedAlpha: 1,
    tfjsLayer: (layers, alpha, name) => layers.elu({ alpha, name }),
    torch: (alpha) => `nn.ELU(${pyLiteral(alpha)})`,
    keras: (alpha) => `layers.ELU(${pyLiteral(alpha)})`,
  },
  gelu: byId('gelu', 'nn.GELU()'),
} as const satisfies Record<string, ActivationSpec>;

/** Activation functions a layer can apply (those tfjs-layers implements). */
export type ActivationName = keyof typeof ACTIVATIONS;
/** Fused activation on conv and dense layers. */
export type FusedActivation = 'none' | ActivationName;

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as readonly ActivationName[];
/** The choices of a conv / dense layer's `activation` param. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['none', ...ACTIVATION_NAMES];

const spec = (fn: ActivationName): ActivationSpec => ACTIVATIONS[fn];

/** True for the functions whose `alpha` param matters (leaky ReLU's slope, ELU's scale). */
export const takesAlpha = (fn: ActivationName): boolean => spec(fn).fusedAlpha !== undefined;

/**
 * What a tfjs conv / dense layer takes as its `activation` arg; a fused activation without
 * an identifier (leaky ReLU) is 'linear' here and a separate layer after it.
 */
export function fusedActivationArg(activation: FusedActivation): TfActivationId {
  return (activation !== 'none' && spec(activation).id) || 'linear';
}

/** A fused activation that needs its own layer after the conv / dense, with its alpha; else null. */
export function fusedActivationLayer(
  activation: FusedActivation,
): { fn: ActivationName; alpha: number } | null {
  if (activation === 'none' || spec(activation).id !== null) return null;
  return { fn: activation, alpha: spec(activation).fusedAlpha ?? 0 };
}

/** An activation as its own tfjs layer. */
export const tfjsActivationLayer = (
  layers: typeof tfjs.layers,
  fn: ActivationName,
  alpha: number,
  name: string,
): tfjs.layers.Layer => spec(fn).tfjsLayer(layers, alpha, name);

/** PyTorch module of an activation. */
export const torchActivation = (fn: ActivationName, alpha: number): string => spec(fn).torch(alpha);

/** The PyTorch module(s) of a fused activation ([] for none). */
export function torchFusedActivation(activation: FusedActivation): string[] {
  if (activation === 'none') return [];
  return [torchActivation(activation, spec(activation).fusedAlpha ?? 0)];
}

/** Keras layer of an activation. */
export const kerasActivation = (fn: ActivationName, alpha: number): string => spec(fn).keras(alpha);

/** The Keras `activation=` argument of a fused activation and the layer that must follow, if any. */
export function kerasFusedActivation(activation: FusedActivation): { arg: string; after: string | null } {
  const layer = fusedActivationLayer(activation);
  if (layer) return { arg: 'None', after: kerasActivation(layer.fn, layer.alpha) };
  return { arg: activation === 'none' ? 'None' : pyLiteral(fusedActivationArg(activation)), after: null };
}

/** A Keras / tfjs activation identifier as a fused activation ('linear' = none). */
export function fusedActivationFromKeras(value: unknown): FusedActivation {
  const id = String(value ?? 'linear');
  if (id === 'linear') return 'none';
  const match = ACTIVATION_NAMES.find((fn) => spec(fn).id === id);
  if (!match) throw new UnmappableLayerError(`activation "${id}"`);
  return match;
}

/** Keras activation layers other than `Activation`, as our function and alpha. */
function activationLayerFromKeras(layer: KerasLayer): { fn: ActivationName; alpha: number } | null {
  const c = layer.config;
  switch (layer.className) {
    case 'ReLU':
      if (c.max_value != null || Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0)
        throw new UnmappableLayerError('a ReLU with max value, slope or threshold');
      return { fn: 'relu', alpha: 0 };
    case 'LeakyReLU':
      return { fn: 'leakyRelu', alpha: Number(c.alpha ?? c.negative_slope ?? 0.3) };
    case 'ELU':
      return { fn: 'elu', alpha: Number(c.alpha ?? 1) };
    case 'Softmax':
      return { fn: 'softmax', alpha: 0 };
    default: {
      const fn = fusedActivationFromKeras(c.activation);
      return fn === 'none' ? null : { fn, alpha: spec(fn).fusedAlpha ?? 0 };
    }
  }
}

/** An element-wise activation as its own node (softmax: over the last axis). */
export const activation: NodeTypeDefinition<'activation'> = {
  type: 'activation',
  label: 'Activation',
  category: 'Activation',
  doc: 'Applies a non-linearity to every value; shape unchanged.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'choice', name: 'fn', label: 'Function', default: 'relu', options: ACTIVATION_NAMES },
    {
      kind: 'float',
      name: 'alpha',
      label: 'Alpha',
      doc: 'Negative slope of leakyRelu (default 0.01) or scale of elu (default 1).',
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
    tfjsActivationLayer(ctx.tf.layers, p.fn, p.alpha, ctx.layerName('act')).apply(
      inputs[0],
    ) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: ({ params: p }) => [{ code: torchActivation(p.fn, p.alpha) }],
      featureOrder: 'keeps',
    },
    keras: {
      statement: ({ name, inputs, params: p }) => `${name} = ${kerasActivation(p.fn, p.alpha)}(${inputs[0]})`,
    },
  },
  import: {
    kerasClassNames: ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax'],
    fromKeras: (layer) => {
      const mapped = activationLayerFromKeras(layer);
      return mapped && { params: { ...mapped } };
    },
  },
};
