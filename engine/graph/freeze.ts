/**
 * Freezing (transfer learning): a node whose `trainable` is `false` keeps its weights while
 * the rest trains. The one place that says what a frozen node means for counts and which
 * nodes a selection freezes; the compiler and the exporters read `isFrozen`.
 */
import type { ParamCount } from './types';
import type { GraphDocument, GraphNode } from './document';

/** True for a node whose weights are not trained. */
export function isFrozen(node: Pick<GraphNode, 'trainable'>): boolean {
  return node.trainable === false;
}

/** A node's parameter count as the summary shows it: a frozen node's weights are all non-trainable. */
export function frozenCount(node: Pick<GraphNode, 'trainable'>, count: ParamCount): ParamCount {
  if (!isFrozen(node)) return count;
  return { trainable: 0, nonTrainable: count.trainable + count.nonTrainable };
}

/**
 * The document with the listed nodes frozen (`frozen` true) or trainable again; other nodes
 * and an unchanged node keep their objects. Unknown ids are ignored.
 */
export function setFrozen(doc: GraphDocument, nodeIds: readonly string[], frozen: boolean): GraphDocument {
  const ids = new Set(nodeIds);
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    if (!ids.has(node.id) || isFrozen(node) === frozen) return node;
    changed = true;
    const { trainable: _old, ...rest } = node;
    return frozen ? { ...rest, trainable: false } : rest;
  });
  return changed ? { ...doc, nodes } : doc;
}
