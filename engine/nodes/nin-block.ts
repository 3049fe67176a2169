import { convNode, defineBlock } from './block';
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
