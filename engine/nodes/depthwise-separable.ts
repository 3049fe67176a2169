import { pyLiteral } from '../export/python';
import { convNode, defineBlock } from './block';
import {
  batchNormNode,
  depthwiseNode,
  KERAS_MOBILENET_BN,
  MOBILENET_TORCH_HELPER,
  relu6Node,
} from './mobilenet-common';
import type { Subgraph } from './types';

const TORCH_CLASS = `class DepthwiseSeparable(nn.Module):
    """MobileNet v1's block as Keras Applications lays it out: 3×3 depthwise conv (TensorFlow 'same'
    padding) BN relu6, 1×1 conv BN relu6; no biases."""

    def __init__(self, in_channels, filters, strides=1, depth_multiplier=1):
        super().__init__()
        hidden = in_channels * depth_multiplier
        self.dw = DepthwiseConv2d(in_channels, depth_multiplier, 3, stride=strides, bias=False)
        self.dw_bn = nn.BatchNorm2d(hidden, eps=1e-3, momentum=0.01)
        self.pw = nn.Conv2d(hidden, filters, kernel_size=1, bias=False)
        self.pw_bn = nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01)
        self.strides = strides

    def forward(self, x):
        x = F.relu6(self.dw_bn(self.dw(pad_same(x, 3, self.strides))))
        return F.relu6(self.pw_bn(self.pw(x)))`;

const KERAS_HELPER = `def depthwise_separable(x, filters, strides=1, depth_multiplier=1, name=None):
    x = layers.DepthwiseConv2D(3, strides, 'same', depth_multiplier=depth_multiplier, use_bias=False)(x)
    x = layers.ReLU(6.0)(batch_norm(x, 0.99, 1e-3))
    x = batch_norm(conv(x, filters, 1, use_bias=False), 0.99, 1e-3)
    return layers.ReLU(6.0, name=name)(x)`;

/**
 * MobileNet v1's depthwise-separable block (Howard et al. 2017), laid out as Keras
 * Applications' MobileNet: the 3×3 depthwise conv filters each channel, the 1×1 conv mixes
 * them; batch norm and relu6 after each, no biases. (Keras pads stride-2 convs by
 * ((0, 1), (0, 1)), which is TensorFlow's 'same' on the even sizes MobileNet sees.)
 */
export const depthwiseSeparable = defineBlock({
  type: 'depthwiseSeparable',
  label: 'Depthwise-Separable Block',
  doc: 'MobileNet v1 block: 3×3 depthwise conv, batch norm, ReLU6, then 1×1 conv to filters, batch norm, ReLU6.',
  params: [
    {
      kind: 'int',
      name: 'filters',
      label: 'Filters',
      doc: 'Output channels.',
      default: 64,
      min: 1,
      max: 8192,
    },
    { kind: 'int', name: 'strides', label: 'Stride', default: 1, min: 1, max: 4 },
    {
      kind: 'int',
      name: 'depthMultiplier',
      label: 'Depth multiplier',
      doc: 'Depthwise filters per input channel.',
      default: 1,
      min: 1,
      max: 64,
    },
  ],
  summarize(p) {
    const parts = [`dw→${p.filters}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.depthMultiplier !== 1) parts.push(`×${p.depthMultiplier}`);
    return parts.join(' · ');
  },
  export: {
    pytorch: {
      helper: `${MOBILENET_TORCH_HELPER}\n\n\n${TORCH_CLASS}`,
      modules: ({ params: p, inputShapes }) => [
        {
          code: `DepthwiseSeparable(${inputShapes[0][2]}, ${p.filters}${p.strides !== 1 ? `, strides=${p.strides}` : ''}${p.depthMultiplier !== 1 ? `, depth_multiplier=${p.depthMultiplier}` : ''})`,
          weights: [
            { tfjsSuffix: 'dw_dwconv', kind: 'conv', path: 'dw' },
            { tfjsSuffix: 'dw_bn_bn', kind: 'bn', path: 'dw_bn' },
            { tfjsSuffix: 'pw_conv', kind: 'conv', path: 'pw' },
            { tfjsSuffix: 'pw_bn_bn', kind: 'bn', path: 'pw_bn' },
          ],
        },
      ],
    },
    keras: {
      helper: KERAS_HELPER,
      statement: ({ name, inputs, params: p }) =>
        `${name} = depthwise_separable(${inputs[0]}, ${p.filters}, strides=${p.strides}, depth_multiplier=${p.depthMultiplier}, name=${pyLiteral(name)})`,
    },
  },
  expand(p): Subgraph {
    const nodes: Subgraph['nodes'] = [
      depthwiseNode('dw', p.strides, p.depthMultiplier),
      batchNormNode('dw_bn', KERAS_MOBILENET_BN),
      relu6Node('dw_relu'),
      convNode('pw', { filters: p.filters, kernelSize: 1, activation: 'none', useBias: false }),
      batchNormNode('pw_bn', KERAS_MOBILENET_BN),
      relu6Node('pw_relu'),
    ];
    const chain = ['$in', ...nodes.map((node) => node.id)];
    return {
      nodes,
      edges: chain.slice(1).map((target, i) => ({ source: chain[i], target })),
      output: 'pw_relu',
    };
  },
});
