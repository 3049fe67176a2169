/**
 * Whether a network's output node gives probabilities (it ends in softmax) or logits. The
 * trainer picks its loss by this, and the exporters write the same loss: one rule, asked of
 * each node type's definition (`appliesSoftmax`).
 */
import type { GraphNode } from '../graph/document';
import { resolveParams } from './params';
import { getNodeType } from './registry';

/** True when `node` (the graph's output node) applies softmax, so its output is probabilities. */
export function outputIsProbabilities(node: GraphNode | undefined): boolean {
  if (!node || node.bypassed) return false;
  const definition = getNodeType(node.type);
  if (!definition?.appliesSoftmax) return false;
  return definition.appliesSoftmax(resolveParams(definition, node.params) as never);
}
