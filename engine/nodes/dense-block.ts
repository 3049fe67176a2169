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
