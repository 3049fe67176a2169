import type * as tfjs from '@tensorflow/tfjs';
import { onnxFlatten } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import { shapeSize, singleInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/** Unrolls an image into a vector (h × w × c features); a vector passes through. */
export const flatten: NodeTypeDefinition<'flatten'> = {
  type: 'flatten',
  label: 'Flatten',
  category: 'Structure',
  doc: 'Unrolls an image into one long vector, ready for Dense layers.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [],
  summarize: () => '',
  inferShape: (_p, inputs) => [shapeSize(singleInput('Flatten', inputs))],
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile(ctx, _p, inputs) {
    // tfjs's Flatten rejects rank-2 tensors; a vector is already flat.
    if (inputs[0].shape.length <= 2) return inputs[0];
    return ctx.tf.layers.flatten({ name: ctx.layerName('flatten') }).apply(inputs[0]) as tfjs.SymbolicTensor;
  },
  export: {
    pytorch: { modules: () => [{ code: 'nn.Flatten()' }], featureOrder: 'flattens' },
    keras: {
      statement: ({ name, inputs }) => `${name} = layers.Flatten(name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: { nodes: ({ inputs, inputShapes }, onnx) => onnxFlatten(onnx, inputs[0], inputShapes[0]) },
  },
  import: { kerasClassNames: ['Flatten'], fromKeras: () => ({ params: {} }) },
};
