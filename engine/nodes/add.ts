import type * as tfjs from '@tensorflow/tfjs';
import { onnxElementwise } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import { checkMergeInputs } from './merge-common';
import { formatShape } from './shape-utils';
import { ShapeError, type NodeTypeDefinition } from './types';

/** Element-wise sum of inputs of one shape (residual connections). */
export const add: NodeTypeDefinition<'add'> = {
  type: 'add',
  label: 'Add',
  category: 'Structure',
  doc: 'Adds its inputs value by value; all must have the same shape (skip connections).',
  inputs: [{ name: 'in', multiple: true, minConnections: 2 }],
  outputs: [{ name: 'out' }],
  params: [],
  summarize: () => '+',
  inferShape(_p, inputs) {
    checkMergeInputs('Add', inputs);
    inputs.forEach((shape, i) => {
      if (shape.some((dim, axis) => dim !== inputs[0][axis])) {
        throw new ShapeError(
          `Add: input ${i + 1} is ${formatShape(shape)} but input 1 is ${formatShape(inputs[0])}; all inputs must have the same shape`,
        );
      }
    });
    return inputs[0];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, _p, inputs) =>
    ctx.tf.layers.add({ name: ctx.layerName('add') }).apply(inputs) as tfjs.SymbolicTensor,
  export: {
    pytorch: { modules: () => [], forward: (inputs) => inputs.join(' + '), featureOrder: 'sums' },
    keras: {
      statement: ({ name, inputs }) =>
        `${name} = layers.Add(name=${pyLiteral(name)})([${inputs.join(', ')}])`,
    },
    onnx: { nodes: ({ inputs }, onnx) => onnxElementwise(onnx, 'Add', inputs) },
  },
  import: { kerasClassNames: ['Add'], fromKeras: () => ({ params: {} }) },
};
