import { defineGlobalPool } from './global-pool-common';

/** Largest value of each channel over the whole image, kept as a 1×1 image (follow with Flatten). */
export const globalMaxPool2d = defineGlobalPool({
  type: 'globalMaxPool2d',
  label: 'Global Max Pool',
  doc: 'Keeps the largest value of each channel over the whole image: h×w×c → 1×1×c.',
  layer: (tf, { poolSize, name }) =>
    tf.layers.maxPooling2d({ poolSize, strides: poolSize, padding: 'valid', name }),
  torch: 'nn.AdaptiveMaxPool2d((1, 1))',
  kerasClassName: 'GlobalMaxPooling2D',
  kerasAliases: ['GlobalMaxPool2D'],
});
