import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { fastBatchNormalizationClass } from './fast-batch-norm';
import { singleInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/**
 * Batch normalization over the last (channel) axis. `momentum` has tfjs's meaning:
 * moving = momentum × moving + (1 − momentum) × batch, so 0.9 = PyTorch's 0.1.
 */
export const batchNorm: NodeTypeDefinition<'batchNorm'> = {
  type: 'batchNorm',
  label: 'Batch Norm',
  category: 'Normalization',
  doc: 'Normalizes each channel over the batch, then scales and shifts it (γ, β).',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'float',
      name: 'momentum',
      label: 'Momentum',
      doc: 'Weight of the old running average (0.9 here = PyTorch momentum 0.1).',
      default: 0.9,
      min: 0,
      max: 1,
      exclusiveMax: true,
    },
    { kind: 'float', name: 'epsilon', label: 'Epsilon', default: 1e-5, min: 0, exclusiveMin: true, max: 1 },
  ],
  summarize: (p) => `m ${p.momentum}`,
  inferShape: (_p, inputs) => singleInput('Batch Norm', inputs),
  // γ and β learn; the running mean and variance are non-trainable (tfjs's countParams split).
  paramCount(_p, inputs) {
    const channels = inputs[0][inputs[0].length - 1];
    return { trainable: 2 * channels, nonTrainable: 2 * channels };
  },
  macs: () => 0,
  // The stock layer with a cheaper training step (same weights, config and saved form).
  compile: (ctx, p, inputs) => {
    const FastBatchNormalization = fastBatchNormalizationClass(ctx.tf);
    return new FastBatchNormalization({
      axis: -1,
      momentum: p.momentum,
      epsilon: p.epsilon,
      name: ctx.layerName('bn'),
    }).apply(inputs[0]) as tfjs.SymbolicTensor;
  },
  export: {
    pytorch: {
      modules({ params: p, inputShapes }) {
        const input = inputShapes[0];
        const kind = input.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
        // tfjs keeps `momentum` of the old value; PyTorch's momentum weighs the new one.
        const momentum = Number((1 - p.momentum).toFixed(6));
        const options = [String(input[input.length - 1])];
        if (p.epsilon !== 1e-5) options.push(`eps=${pyLiteral(p.epsilon)}`);
        if (momentum !== 0.1) options.push(`momentum=${momentum}`);
        return [{ code: `nn.${kind}(${options.join(', ')})`, weights: [{ tfjsSuffix: 'bn', kind: 'bn' }] }];
      },
      featureOrder: 'keeps',
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = batch_norm(${inputs[0]}, ${pyLiteral(p.momentum)}, ${pyLiteral(p.epsilon)}, name=${pyLiteral(name)})`,
    },
    onnx: {
      // Inference form: the moving mean and variance. Axis 1 is the channel (NCHW) or feature axis.
      nodes({ inputs, params: p }, onnx) {
        const [gamma, beta, mean, variance] = onnx.weights('bn');
        const tensor = (hint: string, w: { shape: readonly number[]; data: Float32Array }) =>
          onnx.constant(hint, w.shape, w.data);
        return onnx.node(
          'BatchNormalization',
          [
            inputs[0],
            tensor('scale', gamma),
            tensor('bias', beta),
            tensor('mean', mean),
            tensor('var', variance),
          ],
          { epsilon: { f: p.epsilon } },
        );
      },
    },
  },
  import: {
    kerasClassNames: ['BatchNormalization'],
    fromKeras: ({ config: c }) => ({
      params: { momentum: Number(c.momentum ?? 0.99), epsilon: Number(c.epsilon ?? 1e-3) },
    }),
  },
};
