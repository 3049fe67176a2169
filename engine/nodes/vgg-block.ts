import { convNode, defineBlock } from './block';
import type { Subgraph } from './types';

/** VGG block: numConvs × [conv(filters, 3, p1) relu], then maxpool(2, 2). */
export const vggBlock = defineBlock({
  type: 'vggBlock',
  label: 'VGG Block',
  doc: 'numConvs 3×3 convolutions with ReLU keeping the size, then a 2×2 max pool halving it.',
  params: [
    { kind: 'int', name: 'numConvs', label: 'Convolutions', default: 2, min: 1, max: 16 },
    { kind: 'int', name: 'filters', label: 'Filters', default: 64, min: 1, max: 8192 },
  ],
  summarize: (p) => `${p.numConvs}× 3×3 · ${p.filters}`,
  export: {
    pytorch: {
      helper: `def vgg_block(num_convs, in_channels, out_channels):
    """num_convs × [3×3 conv, ReLU], then 2×2 max-pooling (D2L 8.2)."""
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)`,
      modules: ({ params: p, inputShapes }) => [
        {
          code: `vgg_block(${p.numConvs}, ${inputShapes[0][2]}, ${p.filters})`,
          weights: Array.from({ length: p.numConvs }, (_, i) => ({
            tfjsSuffix: `conv${i + 1}_conv`,
            kind: 'conv' as const,
            path: String(2 * i),
          })),
        },
      ],
    },
    keras: {
      helper: `def vgg_block(x, num_convs, filters):
    for _ in range(num_convs):
        x = conv(x, filters, 3, padding=1, activation='relu')
    return max_pool(x, 2, 2)`,
      statement: ({ name, inputs, params: p }) =>
        `${name} = vgg_block(${inputs[0]}, ${p.numConvs}, ${p.filters})`,
    },
  },
  expand(p): Subgraph {
    const nodes: Subgraph['nodes'] = [];
    const edges: Subgraph['edges'] = [];
    let previous = '$in';
    for (let i = 1; i <= p.numConvs; i++) {
      const id = `conv${i}`;
      nodes.push(convNode(id, { filters: p.filters, kernelSize: 3, padding: 1 }));
      edges.push({ source: previous, target: id });
      previous = id;
    }
    nodes.push({ id: 'pool', type: 'maxPool2d', params: { poolSize: 2, strides: 2, padding: 0 } });
    edges.push({ source: previous, target: 'pool' });
    return { nodes, edges, output: 'pool' };
  },
});
