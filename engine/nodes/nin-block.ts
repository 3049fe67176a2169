import { explicitPadding, kerasPaddingArg, symmetricAmount } from '../export/padding';
import { convNode, defineBlock } from './block';
import { UnexportableLayerError } from './interchange';
import { paddingTag } from './shape-utils';
import type { Subgraph } from './types';

/** NiN block: conv(filters, k, s, p) relu, then two 1×1 convs with relu. */
export const ninBlock = defineBlock({
  type: 'ninBlock',
  label: 'NiN Block',
  doc: 'A k×k convolution followed by two 1×1 convolutions (a tiny per-pixel MLP), all with ReLU.',
  params: [
    { kind: 'int', name: 'filters', label: 'Filters', default: 96, min: 1, max: 8192 },
    { kind: 'int', name: 'kernelSize', label: 'Kernel size', default: 11, min: 1, max: 64 },
    { kind: 'int', name: 'strides', label: 'Stride', default: 4, min: 1, max: 64 },
    { kind: 'padding', name: 'padding', label: 'Padding', doc: 'Of the first convolution.', default: 0 },
  ],
  summarize(p) {
    const parts = [`${p.kernelSize}×${p.kernelSize}`, `${p.filters}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    const pad = paddingTag(p.padding);
    if (pad) parts.push(pad);
    return parts.join(' · ');
  },
  export: {
    pytorch: {
      helper: `def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    """A convolution followed by two 1×1 convolutions, each with ReLU (D2L 8.3)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())`,
      modules({ params: p, inputShapes }) {
        const [h, w, channelsIn] = inputShapes[0];
        const amount = symmetricAmount(explicitPadding(p.padding, [h, w], p.kernelSize, p.strides));
        if (amount === null)
          throw new UnexportableLayerError(
            "the NiN block's 'same' padding pads unevenly here; PyTorch's nin_block takes one padding per side — use numeric padding",
          );
        return [
          {
            code: `nin_block(${channelsIn}, ${p.filters}, kernel_size=${p.kernelSize}, strides=${p.strides}, padding=${amount})`,
            weights: [
              { tfjsSuffix: 'conv1_conv', kind: 'conv', path: '0' },
              { tfjsSuffix: 'conv2_conv', kind: 'conv', path: '2' },
              { tfjsSuffix: 'conv3_conv', kind: 'conv', path: '4' },
            ],
          },
        ];
      },
    },
    keras: {
      helper: `def nin_block(x, filters, kernel_size, strides, padding):
    x = conv(x, filters, kernel_size, strides, padding, activation='relu')
    x = conv(x, filters, 1, activation='relu')
    return conv(x, filters, 1, activation='relu')`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = nin_block(${inputs[0]}, ${p.filters}, ${p.kernelSize}, ${p.strides}, ${kerasPaddingArg(p.padding)})`,
    },
  },
  expand(p): Subgraph {
    return {
      nodes: [
        convNode('conv1', {
          filters: p.filters,
          kernelSize: p.kernelSize,
          strides: p.strides,
          padding: p.padding,
        }),
        convNode('conv2', { filters: p.filters, kernelSize: 1 }),
        convNode('conv3', { filters: p.filters, kernelSize: 1 }),
      ],
      edges: [
        { source: '$in', target: 'conv1' },
        { source: 'conv1', target: 'conv2' },
        { source: 'conv2', target: 'conv3' },
      ],
      output: 'conv3',
    };
  },
});
