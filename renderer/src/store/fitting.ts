/**
 * Which node types may be attached to a dangling link: the ones that accept (or produce)
 * a tensor at that port without a cycle, an occupied port or a shape error.
 */
import type { GraphDocument, XY } from '../../../engine/graph/document';
import type { GraphAnalysis } from '../../../engine/graph/types';
import { nodeTypes } from '../../../engine/nodes/registry';
import type { NodeTypeDefinition } from '../../../engine/nodes/types';
import { addNode, connect, connectionProblem, type ConnectionRequest } from './graph-edit';

/** The port a link was dragged from: an output (`source`) or an input (`target`). */
export interface LinkEnd {
  nodeId: string;
  port: string;
  side: 'source' | 'target';
}

/** The link joining a new node `id` of type `def` to `from`, or null if the type has no port for it. */
export function linkToNew(def: NodeTypeDefinition, id: string, from: LinkEnd): ConnectionRequest | null {
  if (from.side === 'source') {
    const input = def.inputs[0];
    return input ? { source: from.nodeId, sourcePort: from.port, target: id, targetPort: input.name } : null;
  }
  const output = def.outputs[0];
  return output ? { source: id, sourcePort: output.name, target: from.nodeId, targetPort: from.port } : null;
}

/**
 * Adds a node of `type` and links it to `from`. Returns the new document and id, or the
 * reason it does not fit.
 */
export function addLinked(
  doc: GraphDocument,
  type: string,
  position: XY,
  from: LinkEnd,
  analyze: (doc: GraphDocument) => GraphAnalysis,
): { doc: GraphDocument; id: string } | { problem: string } {
  const added = addNode(doc, type, position);
  const def = nodeTypes.find((d) => d.type === type)!;
  const request = linkToNew(def, added.id, from);
  if (!request)
    return { problem: `${def.label} has no ${from.side === 'source' ? 'input' : 'output'} to link.` };
  // A brand-new target node has no shape issues yet, so the "before" analysis can be skipped.
  const problem = connectionProblem(
    added.doc,
    request,
    analyze,
    from.side === 'source' ? new Set() : undefined,
  );
  if (problem) return { problem };
  return { doc: connect(added.doc, request), id: added.id };
}

/** The node types that fit `from`, in registry order. */
export function fittingTypes(
  doc: GraphDocument,
  from: LinkEnd,
  analyze: (doc: GraphDocument) => GraphAnalysis,
): NodeTypeDefinition[] {
  return nodeTypes.filter((def) => !('problem' in addLinked(doc, def.type, { x: 0, y: 0 }, from, analyze)));
}
