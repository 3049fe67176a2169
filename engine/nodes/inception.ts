import { pyLiteral } from '../export/python';
import { convNode, defineBlock } from './block';
import type { Subgraph } from './types';

/**
 * GoogLeNet's Inception(c1, (c2a, c2b), (c3a, c3b), c4): four branches concatenated on
 * channels in this order, relu after every conv — conv(c1,1); conv(c2a,1) conv(c2b,3,p1);
 * conv(c3a,1) conv(c3b,5,p2); maxpool(3,1,1) conv(c4,1).
 */
export const inception = defineBlock({
  type: 'inception',
  label: 'Inception',
  doc: 'Four parallel paths (1×1, 3×3, 5×5 convolutions and a pooled 1×1) whose outputs are stacked on channels.',
  params: [
    { kind: 'int', name: 'c1', label: '1×1 path', default: 64, min: 1, max: 8192 },
    { kind: 'intPair', name: 'c2', label: '3×3 path (reduce, out)', default: [96, 128], min: 1, max: 8192 },
    { kind: 'intPair', name: 'c3', label: '5×5 path (reduce, out)', default: [16, 32], min: 1, max: 8192 },
    { kind: 'int', name: 'c4', label: 'Pool path', default: 32, min: 1, max: 8192 },
  ],
  summarize: (p) => `${p.c1} · ${p.c2[0]},${p.c2[1]} · ${p.c3[0]},${p.c3[1]} · ${p.c4}`,
  export: {
    pytorch: {
      helper: `class Inception(nn.Module):
    """Four parallel paths concatenated on channels (D2L 8.4)."""

    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.b1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.b2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.b2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.b3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.b3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.b4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        b1 = F.relu(self.b1_1(x))
        b2 = F.relu(self.b2_2(F.relu(self.b2_1(x))))
        b3 = F.relu(self.b3_2(F.relu(self.b3_1(x))))
        b4 = F.relu(self.b4_2(self.b4_1(x)))
        return torch.cat((b1, b2, b3, b4), dim=1)`,
      modules: ({ params: p, inputShapes }) => [
        {
          code: `Inception(${inputShapes[0][2]}, ${p.c1}, ${pyLiteral(p.c2)}, ${pyLiteral(p.c3)}, ${p.c4})`,
          weights: [
            { tfjsSuffix: 'p1_conv_conv', kind: 'conv', path: 'b1_1' },
            { tfjsSuffix: 'p2_reduce_conv', kind: 'conv', path: 'b2_1' },
            { tfjsSuffix: 'p2_conv_conv', kind: 'conv', path: 'b2_2' },
            { tfjsSuffix: 'p3_reduce_conv', kind: 'conv', path: 'b3_1' },
            { tfjsSuffix: 'p3_conv_conv', kind: 'conv', path: 'b3_2' },
            { tfjsSuffix: 'p4_conv_conv', kind: 'conv', path: 'b4_2' },
          ],
        },
      ],
    },
    keras: {
      helper: `def inception(x, c1, c2, c3, c4):
    b1 = conv(x, c1, 1, activation='relu')
    b2 = conv(conv(x, c2[0], 1, activation='relu'), c2[1], 3, padding=1, activation='relu')
    b3 = conv(conv(x, c3[0], 1, activation='relu'), c3[1], 5, padding=2, activation='relu')
    b4 = conv(max_pool(x, 3, 1, padding=1), c4, 1, activation='relu')
    return layers.Concatenate()([b1, b2, b3, b4])`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = inception(${inputs[0]}, ${p.c1}, ${pyLiteral(p.c2)}, ${pyLiteral(p.c3)}, ${p.c4})`,
    },
  },
  expand(p): Subgraph {
    return {
      nodes: [
        convNode('p1_conv', { filters: p.c1, kernelSize: 1 }),
        convNode('p2_reduce', { filters: p.c2[0], kernelSize: 1 }),
        convNode('p2_conv', { filters: p.c2[1], kernelSize: 3, padding: 1 }),
        convNode('p3_reduce', { filters: p.c3[0], kernelSize: 1 }),
        convNode('p3_conv', { filters: p.c3[1], kernelSize: 5, padding: 2 }),
        { id: 'p4_pool', type: 'maxPool2d', params: { poolSize: 3, strides: 1, padding: 1 } },
        convNode('p4_conv', { filters: p.c4, kernelSize: 1 }),
        { id: 'concat', type: 'concat', params: {} },
      ],
      edges: [
        { source: '$in', target: 'p1_conv' },
        { source: '$in', target: 'p2_reduce' },
        { source: 'p2_reduce', target: 'p2_conv' },
        { source: '$in', target: 'p3_reduce' },
        { source: 'p3_reduce', target: 'p3_conv' },
        { source: '$in', target: 'p4_pool' },
        { source: 'p4_pool', target: 'p4_conv' },
        { source: 'p1_conv', target: 'concat' },
        { source: 'p2_conv', target: 'concat' },
        { source: 'p3_conv', target: 'concat' },
        { source: 'p4_conv', target: 'concat' },
      ],
      output: 'concat',
    };
  },
});
