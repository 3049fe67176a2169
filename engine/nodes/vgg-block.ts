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
