/**
 * Turns the document and its analysis into React Flow nodes and edges. Unchanged nodes
 * keep their previous object (and the size React Flow measured), so a change to one node
 * re-renders one node, not the whole graph.
 */
import type { GraphDocument } from '../../../engine/graph/document';
import type { GraphAnalysis, IssueCode } from '../../../engine/graph/types';
import { formatShape } from '../../../engine/graph/format';
import type { Selection } from '../store/editor-store';
import type { LayerFlowNode } from './LayerNode';
import type { ShapeFlowEdge } from './ShapeEdge';

/** Wiring that is merely unfinished (normal while building), shown softer than real errors. */
const INCOMPLETE_CODES: ReadonlySet<IssueCode> = new Set(['missing-input', 'no-input', 'no-output', 'several-outputs', 'disconnected']);

export interface NodeError {
  message: string;
  /** True for unfinished wiring; false for a real problem (shapes, params, cycles). */
  incomplete: boolean;
}

/** The error shown on each node's face: its first real problem, else its first wiring gap. */
export function errorsByNode(analysis: GraphAnalysis): Map<string, NodeError> {
  const errors = new Map<string, NodeError>();
  for (const issue of analysis.issues) {
    if (issue.severity !== 'error' || !issue.nodeId) continue;
    const incomplete = INCOMPLETE_CODES.has(issue.code);
    const current = errors.get(issue.nodeId);
    if (!current || (current.incomplete && !incomplete)) errors.set(issue.nodeId, { message: issue.message, incomplete });
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
      old.data.error?.message === error?.message &&
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
      invalid: errors.get(edge.target)?.incomplete === false,
    },
  }));
}
