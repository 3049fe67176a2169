import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { UnmappableLayerError } from './interchange';
import { checkMergeInputs } from './merge-common';
import { formatShape } from './shape-utils';
import { ShapeError, type NodeTypeDefinition } from './types';

/** Joins its inputs along the channel (last) axis, in edge order. */
export const concat: NodeTypeDefinition<'concat'> = {
  type: 'concat',
  label: 'Concat',
  category: 'Structure',
  doc: 'Stacks its inputs along the channels; their heights and widths must match.',
  inputs: [{ name: 'in', multiple: true, minConnections: 2 }],
  outputs: [{ name: 'out' }],
  params: [],
  summarize: () => 'channels',
  inferShape(_p, inputs) {
    checkMergeInputs('Concat', inputs);
    const leading = inputs[0].slice(0, -1);
    inputs.forEach((shape, i) => {
      if (shape.slice(0, -1).some((dim, axis) => dim !== leading[axis])) {
        throw new ShapeError(
          `Concat: input ${i + 1} is ${formatShape(shape)} but input 1 is ${formatShape(inputs[0])}; ` +
            'only the channel counts may differ',
        );
      }
    });
    return [...leading, inputs.reduce((sum, shape) => sum + shape[shape.length - 1], 0)];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, _p, inputs) =>
    ctx.tf.layers
      .concatenate({ axis: -1, name: ctx.layerName('concat') })
      .apply(inputs) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: () => [],
      forward: (inputs) => `torch.cat((${inputs.join(', ')}), dim=1)`,
      featureOrder: 'concatenates',
    },
    keras: {
      statement: ({ name, inputs }) =>
        `${name} = layers.Concatenate(name=${pyLiteral(name)})([${inputs.join(', ')}])`,
    },
    onnx: { nodes: ({ inputs }, onnx) => onnx.node('Concat', inputs, { axis: { i: 1 } }) },
  },
  import: {
    kerasClassNames: ['Concatenate'],
    fromKeras({ config: c }) {
      const axis = Number(c.axis ?? -1);
      if (axis !== -1 && axis !== 3)
        throw new UnmappableLayerError(`concatenation on axis ${axis} (CNN Studio concatenates channels)`);
      return { params: {} };
    },
  },
};
