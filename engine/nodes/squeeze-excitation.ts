import { pyLiteral } from '../export/python';
import { kerasActivation, torchActivation } from './activation';
import { convNode, defineBlock } from './block';
import type { Subgraph } from './types';

const GATES = ['sigmoid', 'hardSigmoid'] as const;

/**
 * Squeeze-and-excitation (Hu et al. 2018; MobileNetV3, EfficientNet): the channel averages
 * pass a 1×1 conv down to `squeezeChannels` with ReLU and a 1×1 conv back up with a gate in
 * [0, 1]; each channel of the input is scaled by its gate. Shape unchanged. `channels` is
 * the input's (a block's inner layers are fixed by its params alone, as the book's are).
 */
export const squeezeExcitation = defineBlock({
  type: 'squeezeExcitation',
  label: 'Squeeze-Excitation',
  doc: 'Scales each channel by a learned gate computed from all channel averages (SE block); shape unchanged.',
  params: [
    {
      kind: 'int',
      name: 'channels',
      label: 'Channels',
      doc: "The input's channels, which the gate scales.",
      default: 64,
      min: 1,
      max: 8192,
    },
    {
      kind: 'int',
      name: 'squeezeChannels',
      label: 'Squeeze channels',
      doc: 'Width of the bottleneck, typically channels / 4 or / 16.',
      default: 16,
      min: 1,
      max: 8192,
    },
    {
      kind: 'choice',
      name: 'gate',
      label: 'Gate',
      doc: 'sigmoid (SENet, EfficientNet) or hardSigmoid (MobileNetV3).',
      default: 'sigmoid',
      options: GATES,
    },
  ],
  summarize: (p) => `${p.channels}→${p.squeezeChannels} · ${p.gate}`,
  hint: (_p, innerNodeId) =>
    innerNodeId === 'scale' ? "set Channels to the input's channel count" : undefined,
  export: {
    pytorch: {
      helper: `class SqueezeExcitation(nn.Module):
    """Channel gate: x * gate(excite(relu(squeeze(mean over h, w of x))))."""

    def __init__(self, channels, squeeze_channels, gate):
        super().__init__()
        self.squeeze = nn.Conv2d(channels, squeeze_channels, kernel_size=1)
        self.excite = nn.Conv2d(squeeze_channels, channels, kernel_size=1)
        self.gate = gate

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.excite(F.relu(self.squeeze(s))))`,
      modules: ({ params: p, inputShapes }) => [
        {
          code: `SqueezeExcitation(${inputShapes[0][2]}, ${p.squeezeChannels}, ${torchActivation(p.gate, 0)})`,
          weights: [
            { tfjsSuffix: 'squeeze_conv', kind: 'conv', path: 'squeeze' },
            { tfjsSuffix: 'excite_conv', kind: 'conv', path: 'excite' },
          ],
        },
      ],
    },
    keras: {
      helper: `def squeeze_excitation(x, squeeze_channels, gate, name=None):
    s = layers.GlobalAveragePooling2D(keepdims=True)(x)
    s = conv(s, squeeze_channels, 1, activation='relu')
    s = gate(conv(s, x.shape[-1], 1))  # x.shape[-1]: the block's Channels
    return layers.Multiply(name=name)([x, s])`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = squeeze_excitation(${inputs[0]}, ${p.squeezeChannels}, ${kerasActivation(p.gate, 0)}, name=${pyLiteral(name)})`,
    },
  },
  expand(p): Subgraph {
    return {
      nodes: [
        { id: 'pool', type: 'globalAvgPool2d', params: {} },
        convNode('squeeze', { filters: p.squeezeChannels, kernelSize: 1 }),
        convNode('excite', { filters: p.channels, kernelSize: 1, activation: 'none' }),
        { id: 'gate', type: 'activation', params: { fn: p.gate, alpha: 0 } },
        { id: 'scale', type: 'multiply', params: {} },
      ],
      edges: [
        { source: '$in', target: 'pool' },
        { source: 'pool', target: 'squeeze' },
        { source: 'squeeze', target: 'excite' },
        { source: 'excite', target: 'gate' },
        { source: '$in', target: 'scale' },
        { source: 'gate', target: 'scale' },
      ],
      output: 'scale',
    };
  },
});
