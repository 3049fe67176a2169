import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { singleImageInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/**
 * Dropout of whole channels while training (PyTorch's Dropout2d, Keras's SpatialDropout2D):
 * neighbouring pixels are correlated, so dropping single values regularizes a conv little.
 */
export const spatialDropout2d: NodeTypeDefinition<'spatialDropout2d'> = {
  type: 'spatialDropout2d',
  label: 'Spatial Dropout',
  category: 'Regularization',
  doc: 'While training, zeroes whole channels with probability rate; does nothing at test time.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [{ kind: 'float', name: 'rate', label: 'Rate', default: 0.2, min: 0, max: 1, exclusiveMax: true }],
  summarize: (p) => `${p.rate}`,
  inferShape: (_p, inputs) => [...singleImageInput('Spatial Dropout', inputs)],
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, p, inputs) =>
    ctx.tf.layers
      // One draw per example and channel, shared by every pixel (null: the input's size).
      .dropout({
        rate: p.rate,
        noiseShape: [null, 1, 1, null] as unknown as number[],
        name: ctx.layerName('dropout'),
      })
      .apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: ({ params: p }) => [{ code: `nn.Dropout2d(${pyLiteral(p.rate)})` }],
      featureOrder: 'keeps',
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.SpatialDropout2D(${pyLiteral(p.rate)}, name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: { nodes: ({ inputs }) => inputs[0] },
  },
  import: {
    kerasClassNames: ['SpatialDropout2D'],
    fromKeras: ({ config: c }) => ({ params: { rate: Number(c.rate) } }),
  },
};
