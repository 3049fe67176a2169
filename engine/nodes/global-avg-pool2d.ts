import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { singleImageInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/** Average of each channel over the whole image, kept as a 1×1 image (follow with Flatten). */
export const globalAvgPool2d: NodeTypeDefinition<'globalAvgPool2d'> = {
  type: 'globalAvgPool2d',
  label: 'Global Avg Pool',
  category: 'Pooling',
  doc: 'Averages each channel over the whole image: h×w×c → 1×1×c.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [],
  summarize: () => '1×1',
  inferShape(_p, inputs) {
    const [, , c] = singleImageInput('Global Avg Pool', inputs);
    return [1, 1, c];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile(ctx, _p, inputs) {
    const [, h, w] = inputs[0].shape as number[];
    // A pool as large as the image is exactly the global average and keeps the [1, 1, c] shape.
    return ctx.tf.layers
      .averagePooling2d({ poolSize: [h, w], strides: [h, w], padding: 'valid', name: ctx.layerName('pool') })
      .apply(inputs[0]) as tfjs.SymbolicTensor;
  },
  export: {
    pytorch: { modules: () => [{ code: 'nn.AdaptiveAvgPool2d((1, 1))' }] },
    keras: {
      statement: ({ name, inputs }) =>
        `${name} = layers.GlobalAveragePooling2D(keepdims=True, name=${pyLiteral(name)})(${inputs[0]})`,
    },
  },
  import: {
    kerasClassNames: ['GlobalAveragePooling2D'],
    // Keras drops the 1×1 by default; ours keeps it, so a flatten follows.
    fromKeras: ({ config: c }) =>
      c.keepdims === true
        ? { params: {} }
        : { params: {}, then: [{ type: 'flatten', params: {}, suffix: 'flatten' }] },
  },
};
