import { pyLiteral } from '../export/python';
import { convNode, defineBlock } from './block';
import type { TorchWeight } from './interchange';
import type { Subgraph } from './types';

/**
 * ResNet's Residual(c, use1x1, s): conv(c,3,s,p1) BN relu conv(c,3,p1) BN, plus a shortcut
 * that is the input or conv(c,1,s) when use1x1; add; relu.
 */
export const residual = defineBlock({
  type: 'residual',
  label: 'Residual',
  doc: 'Two 3×3 convolutions with batch norm whose result is added to the input (a skip connection), then ReLU.',
  params: [
    { kind: 'int', name: 'filters', label: 'Filters', default: 64, min: 1, max: 8192 },
    {
      kind: 'bool',
      name: 'use1x1',
      label: '1×1 shortcut',
      doc: 'Needed when the stride or the channel count changes.',
      default: false,
    },
    { kind: 'int', name: 'strides', label: 'Stride', default: 1, min: 1, max: 8 },
  ],
  summarize(p) {
    const parts = [`${p.filters}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.use1x1) parts.push('1×1');
    return parts.join(' · ');
  },
  hint: (p, innerNodeId) =>
    innerNodeId === 'add' && !p.use1x1
      ? 'turn on "1×1 shortcut" when the block changes the stride or the channel count'
      : undefined,
  export: {
    pytorch: {
      helper: `class Residual(nn.Module):
    """Two 3×3 convolutions with batch norm, plus a shortcut (D2L 8.6)."""

    def __init__(self, in_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(in_channels, num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.conv3 is not None:
            x = self.conv3(x)
        return F.relu(y + x)`,
      modules({ params: p, inputShapes }) {
        const weights: TorchWeight[] = [
          { tfjsSuffix: 'conv1_conv', kind: 'conv', path: 'conv1' },
          { tfjsSuffix: 'bn1_bn', kind: 'bn', path: 'bn1' },
          { tfjsSuffix: 'conv2_conv', kind: 'conv', path: 'conv2' },
          { tfjsSuffix: 'bn2_bn', kind: 'bn', path: 'bn2' },
        ];
        if (p.use1x1) weights.push({ tfjsSuffix: 'shortcut_conv', kind: 'conv', path: 'conv3' });
        const options = `${p.use1x1 ? ', use_1x1conv=True' : ''}${p.strides !== 1 ? `, strides=${p.strides}` : ''}`;
        return [{ code: `Residual(${inputShapes[0][2]}, ${p.filters}${options})`, weights }];
      },
    },
    keras: {
      helper: `def residual(x, filters, use_1x1conv=False, strides=1):
    y = layers.ReLU()(batch_norm(conv(x, filters, 3, strides, padding=1)))
    y = batch_norm(conv(y, filters, 3, padding=1))
    if use_1x1conv:
        x = conv(x, filters, 1, strides)
    return layers.ReLU()(layers.Add()([y, x]))`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = residual(${inputs[0]}, ${p.filters}, use_1x1conv=${pyLiteral(p.use1x1)}, strides=${p.strides})`,
    },
  },
  expand(p): Subgraph {
    const nodes: Subgraph['nodes'] = [
      convNode('conv1', {
        filters: p.filters,
        kernelSize: 3,
        strides: p.strides,
        padding: 1,
        activation: 'none',
      }),
      { id: 'bn1', type: 'batchNorm', params: { momentum: 0.9, epsilon: 1e-5 } },
      { id: 'relu1', type: 'activation', params: { fn: 'relu', alpha: 0 } },
      convNode('conv2', { filters: p.filters, kernelSize: 3, padding: 1, activation: 'none' }),
      { id: 'bn2', type: 'batchNorm', params: { momentum: 0.9, epsilon: 1e-5 } },
    ];
    const edges: Subgraph['edges'] = [
      { source: '$in', target: 'conv1' },
      { source: 'conv1', target: 'bn1' },
      { source: 'bn1', target: 'relu1' },
      { source: 'relu1', target: 'conv2' },
      { source: 'conv2', target: 'bn2' },
    ];
    let shortcut = '$in';
    if (p.use1x1) {
      nodes.push(
        convNode('shortcut', { filters: p.filters, kernelSize: 1, strides: p.strides, activation: 'none' }),
      );
      edges.push({ source: '$in', target: 'shortcut' });
      shortcut = 'shortcut';
    }
    nodes.push(
      { id: 'add', type: 'add', params: {} },
      { id: 'relu2', type: 'activation', params: { fn: 'relu', alpha: 0 } },
    );
    edges.push(
      { source: 'bn2', target: 'add' },
      { source: shortcut, target: 'add' },
      { source: 'add', target: 'relu2' },
    );
    return { nodes, edges, output: 'relu2' };
  },
});
