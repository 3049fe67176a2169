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
