import type * as tfjs from '@tensorflow/tfjs';
import { zeroPad } from './compile-utils';
import {
  POOL_PARAMS,
  explicitPoolPadding,
  inferPoolShape,
  summarizePool,
  tfPoolPadding,
} from './pool-common';
import type { NodeTypeDefinition } from './types';

/** Average pooling; numeric padding pads zeros that count in the average (PyTorch's count_include_pad). */
export const avgPool2d: NodeTypeDefinition<'avgPool2d'> = {
  type: 'avgPool2d',
  label: 'Avg Pool 2D',
  category: 'Pooling',
  doc: 'Averages each window; channels unchanged.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: POOL_PARAMS,
  summarize: summarizePool,
  inferShape: (p, inputs) => inferPoolShape('Avg Pool 2D', p, inputs),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile(ctx, p, inputs) {
    const padded = zeroPad(ctx, inputs[0], explicitPoolPadding(p.padding));
    return ctx.tf.layers
      .averagePooling2d({
        poolSize: p.poolSize,
        strides: p.strides,
        padding: tfPoolPadding(p.padding),
        name: ctx.layerName('pool'),
      })
      .apply(padded) as tfjs.SymbolicTensor;
  },
};
