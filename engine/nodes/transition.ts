import { convNode, defineBlock } from './block';
import type { Subgraph } from './types';

/** DenseNet's Transition(c): BN relu conv(c,1) avgpool(2,2). */
export const transition = defineBlock({
  type: 'transition',
  label: 'Transition',
  doc: 'Shrinks a DenseNet between dense blocks: BN, ReLU, a 1×1 conv to fewer channels, 2×2 average pool.',
  params: [{ kind: 'int', name: 'filters', label: 'Filters', default: 96, min: 1, max: 8192 }],
  summarize: (p) => `${p.filters} · /2`,
  export: {
    pytorch: {
      helper: `def transition_block(in_channels, num_channels):
    """Batch norm, ReLU, 1×1 convolution, 2×2 average pooling (D2L 8.7)."""
    return nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))`,
      modules: ({ params: p, inputShapes }) => [
        {
          code: `transition_block(${inputShapes[0][2]}, ${p.filters})`,
          weights: [
            { tfjsSuffix: 'bn_bn', kind: 'bn', path: '0' },
            { tfjsSuffix: 'conv_conv', kind: 'conv', path: '2' },
          ],
        },
      ],
    },
    keras: {
      helper: `def transition_block(x, filters):
    x = conv(layers.ReLU()(batch_norm(x)), filters, 1)
    return avg_pool(x, 2, 2)`,
      statement: ({ name, inputs, params: p }) => `${name} = transition_block(${inputs[0]}, ${p.filters})`,
    },
  },
  expand(p): Subgraph {
    return {
      nodes: [
        { id: 'bn', type: 'batchNorm', params: { momentum: 0.9, epsilon: 1e-5 } },
        { id: 'relu', type: 'activation', params: { fn: 'relu', alpha: 0 } },
        convNode('conv', { filters: p.filters, kernelSize: 1, activation: 'none' }),
        { id: 'pool', type: 'avgPool2d', params: { poolSize: 2, strides: 2, padding: 0 } },
      ],
      edges: [
        { source: '$in', target: 'bn' },
        { source: 'bn', target: 'relu' },
        { source: 'relu', target: 'conv' },
        { source: 'conv', target: 'pool' },
      ],
      output: 'pool',
    };
  },
});
