import { convNode, defineBlock } from './block';
import type { Subgraph } from './types';

/** DenseNet's Transition(c): BN relu conv(c,1) avgpool(2,2). */
export const transition = defineBlock({
  type: 'transition',
  label: 'Transition',
  doc: 'Shrinks a DenseNet between dense blocks: BN, ReLU, a 1×1 conv to fewer channels, 2×2 average pool.',
  params: [{ kind: 'int', name: 'filters', label: 'Filters', default: 96, min: 1, max: 8192 }],
  summarize: (p) => `${p.filters} · /2`,
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
