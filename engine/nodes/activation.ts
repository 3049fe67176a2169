import type * as tfjs from '@tensorflow/tfjs';
import { singleInput } from './shape-utils';
import type { ActivationName, NodeTypeDefinition } from './types';

const ACTIVATIONS: readonly ActivationName[] = [
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'leakyRelu',
  'elu',
  'gelu',
];

/** An element-wise activation as its own node (softmax: over the last axis). */
export const activation: NodeTypeDefinition<'activation'> = {
  type: 'activation',
  label: 'Activation',
  category: 'Activation',
  doc: 'Applies a non-linearity to every value; shape unchanged.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'choice', name: 'fn', label: 'Function', default: 'relu', options: ACTIVATIONS },
    {
      kind: 'float',
      name: 'alpha',
      label: 'Alpha',
      doc: 'Negative slope of leakyRelu (default 0.01) or scale of elu (default 1).',
      default: 0.01,
      min: 0,
    },
  ],
  summarize: (p) => (p.fn === 'leakyRelu' || p.fn === 'elu' ? `${p.fn} α${p.alpha}` : p.fn),
  inferShape: (_p, inputs) => singleInput('Activation', inputs),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile(ctx, p, inputs) {
    const name = ctx.layerName('act');
    const layer =
      p.fn === 'leakyRelu'
        ? ctx.tf.layers.leakyReLU({ alpha: p.alpha, name })
        : p.fn === 'elu'
          ? ctx.tf.layers.elu({ alpha: p.alpha, name })
          : ctx.tf.layers.activation({ activation: p.fn, name });
    return layer.apply(inputs[0]) as tfjs.SymbolicTensor;
  },
};
