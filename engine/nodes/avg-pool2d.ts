import { zeroPad } from './compile-utils';
import { definePool } from './pool-common';

/** Average pooling; numeric padding pads zeros that count in the average (PyTorch's count_include_pad). */
export const avgPool2d = definePool({
  type: 'avgPool2d',
  label: 'Avg Pool 2D',
  doc: 'Averages each window; channels unchanged.',
  pad: zeroPad,
  layer: (tf, args) => tf.layers.averagePooling2d(args),
});
