import { negInfPad } from './compile-utils';
import { definePool } from './pool-common';

/** Max pooling; numeric padding pads with −∞ so padding never wins the max (PyTorch). */
export const maxPool2d = definePool({
  type: 'maxPool2d',
  label: 'Max Pool 2D',
  doc: 'Keeps the largest value of each window; channels unchanged.',
  pad: negInfPad,
  layer: (tf, args) => tf.layers.maxPooling2d(args),
});
