import { defineGlobalPool } from './global-pool-common';

/** Average of each channel over the whole image, kept as a 1×1 image (follow with Flatten). */
export const globalAvgPool2d = defineGlobalPool({
  type: 'globalAvgPool2d',
  label: 'Global Avg Pool',
  doc: 'Averages each channel over the whole image: h×w×c → 1×1×c.',
  layer: (tf, { poolSize, name }) =>
    tf.layers.averagePooling2d({ poolSize, strides: poolSize, padding: 'valid', name }),
  torch: 'nn.AdaptiveAvgPool2d((1, 1))',
  kerasClassName: 'GlobalAveragePooling2D',
  kerasAliases: ['GlobalAvgPool2D'],
});
