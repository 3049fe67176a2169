import { pySize, torchPadding } from '../export/padding';
import { negInfPad } from './compile-utils';
import { definePool } from './pool-common';

/** Max pooling; numeric padding pads with −∞ so padding never wins the max (PyTorch). */
export const maxPool2d = definePool({
  type: 'maxPool2d',
  label: 'Max Pool 2D',
  doc: 'Keeps the largest value of each window; channels unchanged.',
  pad: negInfPad,
  layer: (tf, args) => tf.layers.maxPooling2d(args),
  torchModules({ params: p, inputShapes }) {
    const [h, w] = inputShapes[0];
    const pad = torchPadding(p.padding, [h, w], p.poolSize, p.strides, 1, '-inf');
    const pool = `nn.MaxPool2d(kernel_size=${pySize(p.poolSize)}, stride=${pySize(p.strides)}${pad.amount ? `, padding=${pad.amount}` : ''})`;
    return [...(pad.padModule ? [pad.padModule] : []), pool].map((code) => ({ code }));
  },
  kerasHelper: 'max_pool',
  kerasClassNames: ['MaxPooling2D', 'MaxPool2D'],
  foldsPadding: '-inf',
});
