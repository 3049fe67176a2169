import type * as tfjs from '@tensorflow/tfjs';
import { onnxDense } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import {
  FUSED_ACTIVATIONS,
  fusedActivationArg,
  fusedActivationFromKeras,
  kerasFusedActivation,
  onnxFusedActivation,
  torchFusedActivation,
} from './activation';
import { applyUnfusedActivation } from './compile-utils';
import { formatShape, singleInput } from './shape-utils';
import { ShapeError, type NodeTypeDefinition } from './types';

/** Fully connected layer on a vector; Glorot-uniform kernel, zero bias. */
export const dense: NodeTypeDefinition<'dense'> = {
  type: 'dense',
  label: 'Dense',
  category: 'Dense',
  doc: 'Every output unit is a weighted sum of every input feature (a fully connected layer).',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'int', name: 'units', label: 'Units', default: 10, min: 1, max: 65536 },
    { kind: 'choice', name: 'activation', label: 'Activation', default: 'none', options: FUSED_ACTIVATIONS },
    { kind: 'bool', name: 'useBias', label: 'Bias', default: true },
  ],
  summarize: (p) => (p.activation === 'none' ? `${p.units}` : `${p.units} · ${p.activation}`),
  inferShape(p, inputs) {
    const shape = singleInput('Dense', inputs);
    if (shape.length !== 1) {
      throw new ShapeError(
        `Dense needs a vector, got the image ${formatShape(shape)}; add a Flatten before it`,
        'needs-flatten',
      );
    }
    return [p.units];
  },
  paramCount: (p, inputs) => ({
    trainable: inputs[0][0] * p.units + (p.useBias ? p.units : 0),
    nonTrainable: 0,
  }),
  macs: (p, inputs) => inputs[0][0] * p.units,
  compile(ctx, p, inputs) {
    const out = ctx.tf.layers
      .dense({
        units: p.units,
        activation: fusedActivationArg(p.activation),
        useBias: p.useBias,
        kernelInitializer: 'glorotUniform',
        biasInitializer: 'zeros',
        name: ctx.layerName('dense'),
      })
      .apply(inputs[0]) as tfjs.SymbolicTensor;
    return applyUnfusedActivation(ctx, out, p.activation);
  },
  appliesSoftmax: (p) => p.activation === 'softmax',
  export: {
    pytorch: {
      modules: ({ params: p, inputShapes }) => [
        {
          code: `nn.Linear(${inputShapes[0][0]}, ${p.units}${p.useBias ? '' : ', bias=False'})`,
          weights: [{ tfjsSuffix: 'dense', kind: 'dense' }],
        },
        ...torchFusedActivation(p.activation).map((code) => ({ code })),
      ],
    },
    keras: {
      statement({ name, inputs, params: p }) {
        const act = kerasFusedActivation(p.activation);
        const call = `${name} = layers.Dense(${p.units}, activation=${act.arg}, use_bias=${pyLiteral(p.useBias)}, name=${pyLiteral(name)})(${inputs[0]})`;
        return act.after ? `${call}\n${name} = ${act.after}(${name})` : call;
      },
    },
    onnx: {
      nodes: ({ inputs, params: p }, onnx) =>
        onnxFusedActivation(onnx, onnxDense(onnx, inputs[0], 'dense'), p.activation),
    },
  },
  import: {
    kerasClassNames: ['Dense'],
    fromKeras({ config: c }) {
      const { activation, then } = fusedActivationFromKeras(c.activation);
      return { params: { units: Number(c.units), activation, useBias: c.use_bias !== false }, then };
    },
  },
};
