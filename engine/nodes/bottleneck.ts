import { pyLiteral } from '../export/python';
import { convNode, defineBlock } from './block';
import type { TorchWeight } from './interchange';
import type { Subgraph } from './types';

/** Keras Applications' batch norm in ResNet-50 (tfjs momentum meaning: the old value's weight). */
const KERAS_RESNET_BN = { momentum: 0.99, epsilon: 1.001e-5 };

/**
 * ResNet-50's bottleneck (He et al. 2016), laid out as Keras Applications' ResNet50 is:
 * conv(f, 1, stride s) BN relu, conv(f, 3, p1) BN relu, conv(4f, 1) BN, plus the input —
 * or conv(4f, 1, stride s) BN when `projection` — then relu. Output channels 4f.
 * (torchvision's "v1.5" puts the stride on the 3×3 conv and drops conv biases.)
 */
export const bottleneck = defineBlock({
  type: 'bottleneck',
  label: 'Bottleneck',
  doc: 'ResNet-50 block: 1×1 conv down to filters, 3×3 conv, 1×1 conv up to 4 × filters, added to the input, then ReLU.',
  params: [
    {
      kind: 'int',
      name: 'filters',
      label: 'Filters',
      doc: 'Width inside the block; it outputs 4 × filters.',
      default: 64,
      min: 1,
      max: 4096,
    },
    {
      kind: 'bool',
      name: 'projection',
      label: 'Projection shortcut',
      doc: 'A 1×1 conv + batch norm on the shortcut; needed when the stride or the channel count changes.',
      default: false,
    },
    { kind: 'int', name: 'strides', label: 'Stride', default: 1, min: 1, max: 8 },
  ],
  summarize(p) {
    const parts = [`${p.filters}→${4 * p.filters}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.projection) parts.push('proj');
    return parts.join(' · ');
  },
  hint: (p, innerNodeId) =>
    innerNodeId === 'add' && !p.projection
      ? 'turn on "Projection shortcut" when the block changes the stride or the channel count'
      : undefined,
  export: {
    pytorch: {
      helper: `class Bottleneck(nn.Module):
    """ResNet-50's bottleneck as Keras Applications lays it out (stride on the first 1×1 conv)."""

    def __init__(self, in_channels, filters, strides=1, projection=False):
        super().__init__()
        out = 4 * filters

        def bn(channels):
            return nn.BatchNorm2d(channels, eps=1.001e-5, momentum=0.01)
        self.conv1 = nn.Conv2d(in_channels, filters, kernel_size=1, stride=strides)
        self.bn1 = bn(filters)
        self.conv2 = nn.Conv2d(filters, filters, kernel_size=3, padding=1)
        self.bn2 = bn(filters)
        self.conv3 = nn.Conv2d(filters, out, kernel_size=1)
        self.bn3 = bn(out)
        self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out, kernel_size=1, stride=strides), bn(out)) if projection else None

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        if self.shortcut is not None:
            x = self.shortcut(x)
        return F.relu(y + x)`,
      modules({ params: p, inputShapes }) {
        const weights: TorchWeight[] = [1, 2, 3].flatMap((i) => [
          { tfjsSuffix: `conv${i}_conv`, kind: 'conv' as const, path: `conv${i}` },
          { tfjsSuffix: `bn${i}_bn`, kind: 'bn' as const, path: `bn${i}` },
        ]);
        if (p.projection)
          weights.push(
            { tfjsSuffix: 'shortcut_conv', kind: 'conv', path: 'shortcut.0' },
            { tfjsSuffix: 'shortcut_bn_bn', kind: 'bn', path: 'shortcut.1' },
          );
        const options = `${p.strides !== 1 ? `, strides=${p.strides}` : ''}${p.projection ? ', projection=True' : ''}`;
        return [{ code: `Bottleneck(${inputShapes[0][2]}, ${p.filters}${options})`, weights }];
      },
    },
    keras: {
      helper: `def bottleneck(x, filters, strides=1, projection=False, name=None):
    def bn(t):
        return batch_norm(t, 0.99, 1.001e-5)
    y = layers.ReLU()(bn(conv(x, filters, 1, strides)))
    y = layers.ReLU()(bn(conv(y, filters, 3, padding=1)))
    y = bn(conv(y, 4 * filters, 1))
    if projection:
        x = bn(conv(x, 4 * filters, 1, strides))
    return layers.ReLU(name=name)(layers.Add()([y, x]))`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = bottleneck(${inputs[0]}, ${p.filters}, strides=${p.strides}, projection=${pyLiteral(p.projection)}, name=${pyLiteral(name)})`,
    },
  },
  expand(p): Subgraph {
    const bn = (id: string) => ({ id, type: 'batchNorm' as const, params: { ...KERAS_RESNET_BN } });
    const relu = (id: string) => ({ id, type: 'activation' as const, params: { fn: 'relu', alpha: 0 } });
    const nodes: Subgraph['nodes'] = [
      convNode('conv1', { filters: p.filters, kernelSize: 1, strides: p.strides, activation: 'none' }),
      bn('bn1'),
      relu('relu1'),
      convNode('conv2', { filters: p.filters, kernelSize: 3, padding: 1, activation: 'none' }),
      bn('bn2'),
      relu('relu2'),
      convNode('conv3', { filters: 4 * p.filters, kernelSize: 1, activation: 'none' }),
      bn('bn3'),
    ];
    const chain = ['$in', 'conv1', 'bn1', 'relu1', 'conv2', 'bn2', 'relu2', 'conv3', 'bn3'];
    const edges: Subgraph['edges'] = chain.slice(1).map((target, i) => ({ source: chain[i], target }));
    let shortcut = '$in';
    if (p.projection) {
      nodes.push(
        convNode('shortcut', {
          filters: 4 * p.filters,
          kernelSize: 1,
          strides: p.strides,
          activation: 'none',
        }),
        bn('shortcut_bn'),
      );
      edges.push({ source: '$in', target: 'shortcut' }, { source: 'shortcut', target: 'shortcut_bn' });
      shortcut = 'shortcut_bn';
    }
    nodes.push({ id: 'add', type: 'add', params: {} }, relu('relu3'));
    edges.push(
      { source: 'bn3', target: 'add' },
      { source: shortcut, target: 'add' },
      { source: 'add', target: 'relu3' },
    );
    return { nodes, edges, output: 'relu3' };
  },
});
