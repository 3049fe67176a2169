import type * as tfjs from '@tensorflow/tfjs';
import { negInfPad } from './compile-utils';
import {
  POOL_PARAMS,
  explicitPoolPadding,
  inferPoolShape,
  summarizePool,
  tfPoolPadding,
} from './pool-common';
import type { NodeTypeDefinition } from './types';

/** Max pooling; numeric padding pads with −∞ so padding never wins the max (PyTorch). */
export const maxPool2d: NodeTypeDefinition<'maxPool2d'> = {
  type: 'maxPool2d',
  label: 'Max Pool 2D',
  category: 'Pooling',
  doc: 'Keeps the largest value of each window; channels unchanged.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: POOL_PARAMS,
  summarize: summarizePool,
  inferShape: (p, inputs) => inferPoolShape('Max Pool 2D', p, inputs),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile(ctx, p, inputs) {
    const padded = negInfPad(ctx, inputs[0], explicitPoolPadding(p.padding));
    return ctx.tf.layers
      .maxPooling2d({
        poolSize: p.poolSize,
        strides: p.strides,
        padding: tfPoolPadding(p.padding),
        name: ctx.layerName('pool'),
      })
      .apply(padded) as tfjs.SymbolicTensor;
  },
};
