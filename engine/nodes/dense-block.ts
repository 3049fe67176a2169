import { convNode, defineBlock } from './block';
import type { Subgraph } from './types';

/**
 * DenseNet's DenseBlock(n, growth): n × conv_block (BN relu conv(growth,3,p1)), each
 * output concatenated onto its input ([input, new] in that order, as the book's torch.cat).
 */
export const denseBlock = defineBlock({
  type: 'denseBlock',
  label: 'Dense Block',
  doc: 'Repeated BN-ReLU-3×3 conv units, each adding growthRate channels to everything before it.',
  params: [
    { kind: 'int', name: 'numConvs', label: 'Conv blocks', default: 4, min: 1, max: 64 },
    { kind: 'int', name: 'growthRate', label: 'Growth rate', default: 32, min: 1, max: 4096 },
  ],
  summarize: (p) => `${p.numConvs}× +${p.growthRate}`,
  export: {
    pytorch: {
      helper: `def conv_block(in_channels, num_channels):
    """Batch norm, ReLU, 3×3 convolution (D2L 8.7)."""
    return nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    """num_convs conv_blocks, each one's output concatenated onto its input (D2L 8.7)."""

    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(*[
            conv_block(in_channels + i * num_channels, num_channels) for i in range(num_convs)])

    def forward(self, x):
        for block in self.net:
            x = torch.cat((x, block(x)), dim=1)
        return x`,
      modules: ({ params: p, inputShapes }) => [
        {
          code: `DenseBlock(${p.numConvs}, ${inputShapes[0][2]}, ${p.growthRate})`,
          weights: Array.from({ length: p.numConvs }, (_, i) => [
            { tfjsSuffix: `bn${i + 1}_bn`, kind: 'bn' as const, path: `net.${i}.0` },
            { tfjsSuffix: `conv${i + 1}_conv`, kind: 'conv' as const, path: `net.${i}.2` },
          ]).flat(),
        },
      ],
    },
    keras: {
      helper: `def dense_block(x, num_convs, growth_rate):
    for _ in range(num_convs):
        y = conv(layers.ReLU()(batch_norm(x)), growth_rate, 3, padding=1)
        x = layers.Concatenate()([x, y])
    return x`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = dense_block(${inputs[0]}, ${p.numConvs}, ${p.growthRate})`,
    },
  },
  expand(p): Subgraph {
    const nodes: Subgraph['nodes'] = [];
    const edges: Subgraph['edges'] = [];
    let previous = '$in';
    for (let i = 1; i <= p.numConvs; i++) {
      const [bn, relu, conv, cat] = [`bn${i}`, `relu${i}`, `conv${i}`, `concat${i}`];
      nodes.push(
        { id: bn, type: 'batchNorm', params: { momentum: 0.9, epsilon: 1e-5 } },
        { id: relu, type: 'activation', params: { fn: 'relu', alpha: 0 } },
        convNode(conv, { filters: p.growthRate, kernelSize: 3, padding: 1, activation: 'none' }),
        { id: cat, type: 'concat', params: {} },
      );
      edges.push(
        { source: previous, target: bn },
        { source: bn, target: relu },
        { source: relu, target: conv },
        { source: previous, target: cat },
        { source: conv, target: cat },
      );
      previous = cat;
    }
    return { nodes, edges, output: previous };
  },
});
