import type * as tfjs from '@tensorflow/tfjs';
import { onnxElementwise } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import { checkMergeInputs } from './merge-common';
import { formatShape } from './shape-utils';
import { ShapeError, type NodeTypeDefinition } from './types';

/**
 * Element-wise product of its inputs; a size-1 axis stretches to the others' size, so a
 * `[1, 1, c]` gate scales every pixel of an `[h, w, c]` image (squeeze-and-excitation).
 */
export const multiply: NodeTypeDefinition<'multiply'> = {
  type: 'multiply',
  label: 'Multiply',
  category: 'Structure',
  doc: 'Multiplies its inputs value by value; a size-1 axis stretches (a 1×1×c gate scales an h×w×c image).',
  inputs: [{ name: 'in', multiple: true, minConnections: 2 }],
  outputs: [{ name: 'out' }],
  params: [],
  summarize: () => '×',
  inferShape(_p, inputs) {
    checkMergeInputs('Multiply', inputs);
    return inputs[0].map((_, axis) => {
      const sizes = inputs.map((shape) => shape[axis]).filter((d) => d !== 1);
      const size = sizes[0] ?? 1;
      const odd = inputs.findIndex((shape) => shape[axis] !== 1 && shape[axis] !== size);
      if (odd >= 0)
        throw new ShapeError(
          `Multiply: input ${odd + 1} is ${formatShape(inputs[odd])}, which neither equals nor stretches to the others (${inputs.map(formatShape).join(', ')}); each axis must match or be 1`,
        );
      return size;
    });
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, _p, inputs) =>
    ctx.tf.layers.multiply({ name: ctx.layerName('multiply') }).apply(inputs) as tfjs.SymbolicTensor,
  export: {
    // NCHW broadcasts as NHWC does: a [c, 1, 1] gate against a [c, h, w] image.
    pytorch: { modules: () => [], forward: (inputs) => inputs.join(' * ') },
    keras: {
      statement: ({ name, inputs }) =>
        `${name} = layers.Multiply(name=${pyLiteral(name)})([${inputs.join(', ')}])`,
    },
    onnx: { nodes: ({ inputs }, onnx) => onnxElementwise(onnx, 'Mul', inputs) },
  },
  import: { kerasClassNames: ['Multiply'], fromKeras: () => ({ params: {} }) },
};
