/**
 * Turns the document and its analysis into React Flow nodes and edges. Unchanged nodes
 * keep their previous object (and the size React Flow measured), so a change to one node
 * re-renders one node, not the whole graph.
 */
import type { GraphDocument } from '../../../engine/graph/document';
import type { GraphAnalysis } from '../../../engine/graph/types';
import { formatShape } from '../../../engine/graph/format';
import type { Selection } from '../store/editor-store';
import type { LayerFlowNode } from './LayerNode';
import type { ShapeFlowEdge } from './ShapeEdge';

/** The first error per node, as shown on the node face. */
export function errorsByNode(analysis: GraphAnalysis): Map<string, string> {
  const errors = new Map<string, string>();
  for (const issue of analysis.issues) {
    if (issue.severity === 'error' && issue.nodeId && !errors.has(issue.nodeId)) errors.set(issue.nodeId, issue.message);
  }
  return errors;
}

export function buildFlowNodes(
  doc: GraphDocument,
  analysis: GraphAnalysis,
  selection: Selection,
  previous: readonly LayerFlowNode[],
): LayerFlowNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  const errors = errorsByNode(analysis);
  const selected = new Set(selection.nodes);
  const vertical = doc.layout.direction === 'TB';
  return doc.nodes.map((node) => {
    const old = before.get(node.id);
    const info = analysis.nodes[node.id];
    const error = errors.get(node.id);
    const isSelected = selected.has(node.id);
    if (
      old &&
      old.data.node === node &&
      old.data.info === info &&
      old.data.error === error &&
      old.data.vertical === vertical &&
      Boolean(old.selected) === isSelected
    )
      return old;
    return {
      ...(old ?? {}),
      id: node.id,
      type: 'layer',
      position: node.position,
      selected: isSelected,
      data: { node, info, error, vertical },
    };
  });
}

export function buildFlowEdges(doc: GraphDocument, analysis: GraphAnalysis, selection: Selection): ShapeFlowEdge[] {
  const selected = new Set(selection.edges);
  const errors = errorsByNode(analysis);
  return doc.edges.map((edge) => ({
    id: edge.id,
    type: 'shape',
    source: edge.source,
    sourceHandle: edge.sourcePort,
    target: edge.target,
    targetHandle: edge.targetPort,
    selected: selected.has(edge.id),
    data: {
      shape: formatShape(analysis.nodes[edge.source]?.outputShape),
      invalid: errors.has(edge.target),
    },
  }));
}
