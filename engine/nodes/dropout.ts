import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { singleInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/** Zeroes a random fraction of values while training (scaling the rest); identity at inference. */
export const dropout: NodeTypeDefinition<'dropout'> = {
  type: 'dropout',
  label: 'Dropout',
  category: 'Regularization',
  doc: 'While training, zeroes each value with probability rate; does nothing at test time.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [{ kind: 'float', name: 'rate', label: 'Rate', default: 0.5, min: 0, max: 1, exclusiveMax: true }],
  summarize: (p) => `${p.rate}`,
  inferShape: (_p, inputs) => singleInput('Dropout', inputs),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, p, inputs) =>
    ctx.tf.layers
      .dropout({ rate: p.rate, name: ctx.layerName('dropout') })
      .apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: ({ params: p }) => [{ code: `nn.Dropout(${pyLiteral(p.rate)})` }],
      featureOrder: 'keeps',
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.Dropout(${pyLiteral(p.rate)}, name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: { nodes: ({ inputs }) => inputs[0] },
  },
  import: {
    kerasClassNames: ['Dropout'],
    fromKeras: ({ config: c }) => ({ params: { rate: Number(c.rate) } }),
  },
};
