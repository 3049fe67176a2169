import { explicitPadding, pySize, symmetricAmount } from '../export/padding';
import { zeroPad } from './compile-utils';
import { UnexportableLayerError } from './interchange';
import { definePool } from './pool-common';
import { sizePair } from './shape-utils';

/** Average pooling; numeric padding pads zeros that count in the average (PyTorch's count_include_pad). */
export const avgPool2d = definePool({
  type: 'avgPool2d',
  label: 'Avg Pool 2D',
  doc: 'Averages each window; channels unchanged.',
  pad: zeroPad,
  layer: (tf, args) => tf.layers.averagePooling2d(args),
  torchModules({ params: p, inputShapes }) {
    const pool = (padding: string) =>
      `nn.AvgPool2d(kernel_size=${pySize(p.poolSize)}, stride=${pySize(p.strides)}${padding})`;
    // PyTorch pads a pool by at most half its window along each axis.
    const halfWindow = Math.floor(Math.min(...sizePair(p.poolSize)) / 2);
    if (p.padding === 'same') {
      // TensorFlow's 'same' average leaves the padding out of the count.
      const pad = explicitPadding('same', [inputShapes[0][0], inputShapes[0][1]], p.poolSize, p.strides);
      const amount = symmetricAmount(pad);
      if (amount === null || amount > halfWindow)
        throw new UnexportableLayerError(
          `average pooling with 'same' padding pads unevenly here (${pad.top}/${pad.bottom} rows, ${pad.left}/${pad.right} columns), which PyTorch's AvgPool2d cannot express; use numeric padding`,
        );
      return [{ code: pool(amount ? `, padding=${amount}, count_include_pad=False` : '') }];
    }
    const amount = p.padding === 'valid' ? 0 : p.padding;
    if (amount > halfWindow) return [{ code: `nn.ZeroPad2d(${amount})` }, { code: pool('') }];
    return [{ code: pool(amount ? `, padding=${amount}` : '') }];
  },
  kerasHelper: 'avg_pool',
  kerasClassNames: ['AveragePooling2D', 'AvgPool2D'],
  foldsPadding: 'zero',
});
