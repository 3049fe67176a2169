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
import { GROUP_PREFIX, type GroupFlowNode } from './GroupFrame';
import { readGroups, type EditorGroup } from '../store/groups';
import { DEFAULT_NODE_SIZE } from './layout';
import { sameMark, type NodeDiffMark, type RemovedFlowNode } from './diff-marks';

export type EditorFlowNode = LayerFlowNode | GroupFlowNode | RemovedFlowNode;

/** The architecture diff drawn on the canvas: marks on layers, ghosts of removed ones. */
export interface CanvasDiff {
  marks: ReadonlyMap<string, NodeDiffMark>;
  ghosts: readonly RemovedFlowNode[];
}

/** Space between a group's frame and its layers (top leaves room for the header). */
const FRAME_PAD = { side: 16, top: 40, bottom: 16 };

/** Which collapsed group's box stands in for each hidden layer. */
function collapsedOwners(groups: readonly EditorGroup[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const g of groups) if (g.collapsed) for (const id of g.nodeIds) owners.set(id, GROUP_PREFIX + g.id);
  return owners;
}

/** Wiring that is merely unfinished (normal while building), shown softer than real errors. */
const INCOMPLETE_CODES: ReadonlySet<IssueCode> = new Set([
  'missing-input',
  'no-input',
  'no-output',
  'several-outputs',
  'disconnected',
]);

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
    // A cycle is one issue naming all its members: mark each of them.
    for (const nodeId of issue.nodeIds ?? [issue.nodeId]) {
      const current = errors.get(nodeId);
      if (!current || (current.incomplete && !incomplete))
        errors.set(nodeId, { message: issue.message, incomplete });
    }
  }
  return errors;
}

export function buildFlowNodes(
  doc: GraphDocument,
  analysis: GraphAnalysis,
  selection: Selection,
  previous: readonly EditorFlowNode[],
  diff: CanvasDiff | null = null,
): EditorFlowNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  const errors = errorsByNode(analysis);
  const selected = new Set(selection.nodes);
  const vertical = doc.layout.direction === 'TB';
  const groups = readGroups(doc);
  const hidden = collapsedOwners(groups);
  const layers = doc.nodes.map((node): LayerFlowNode => {
    const old = before.get(node.id) as LayerFlowNode | undefined;
    const info = analysis.nodes[node.id];
    const error = errors.get(node.id);
    const isSelected = selected.has(node.id);
    const isHidden = hidden.has(node.id);
    const mark = diff?.marks.get(node.id);
    if (
      old &&
      old.data.node === node &&
      old.data.info === info &&
      old.data.error?.message === error?.message &&
      old.data.vertical === vertical &&
      Boolean(old.selected) === isSelected &&
      Boolean(old.hidden) === isHidden &&
      sameMark(old.data.diff, mark)
    )
      return old;
    return {
      ...(old ?? {}),
      id: node.id,
      type: 'layer',
      position: node.position,
      selected: isSelected,
      hidden: isHidden,
      data: { node, info, error, vertical, diff: mark },
    };
  });
  const byId = new Map(layers.map((n) => [n.id, n]));
  const frames = groups.map((group): GroupFlowNode => {
    const members = group.nodeIds.map((id) => byId.get(id)!);
    const left = Math.min(...members.map((m) => m.position.x));
    const top = Math.min(...members.map((m) => m.position.y));
    const right = Math.max(
      ...members.map((m) => m.position.x + (m.measured?.width ?? DEFAULT_NODE_SIZE.width)),
    );
    const bottom = Math.max(
      ...members.map((m) => m.position.y + (m.measured?.height ?? DEFAULT_NODE_SIZE.height)),
    );
    const id = GROUP_PREFIX + group.id;
    const old = before.get(id);
    const data = {
      group,
      shape: formatShape(analysis.nodes[groupOutput(doc, group, analysis)]?.outputShape),
      vertical,
    };
    const base = { ...(old ?? {}), id, type: 'groupFrame' as const, selectable: false, data };
    if (group.collapsed) return { ...base, position: { x: left, y: top }, style: undefined, zIndex: 0 };
    return {
      ...base,
      position: { x: left - FRAME_PAD.side, y: top - FRAME_PAD.top },
      style: {
        width: right - left + 2 * FRAME_PAD.side,
        height: bottom - top + FRAME_PAD.top + FRAME_PAD.bottom,
      },
      zIndex: -1,
    };
  });
  return [...frames, ...(diff?.ghosts ?? []), ...layers];
}

/** The member whose output leaves the group (else the last one in execution order). */
function groupOutput(doc: GraphDocument, group: EditorGroup, analysis: GraphAnalysis): string {
  const members = new Set(group.nodeIds);
  const leaving = doc.edges.find((e) => members.has(e.source) && !members.has(e.target));
  if (leaving) return leaving.source;
  const ordered = analysis.order.filter((id) => members.has(id));
  return ordered[ordered.length - 1] ?? group.nodeIds[group.nodeIds.length - 1];
}

export function buildFlowEdges(
  doc: GraphDocument,
  analysis: GraphAnalysis,
  selection: Selection,
): ShapeFlowEdge[] {
  const selected = new Set(selection.edges);
  const errors = errorsByNode(analysis);
  const owners = collapsedOwners(readGroups(doc));
  const edges: ShapeFlowEdge[] = [];
  for (const edge of doc.edges) {
    // Links into or out of a collapsed group attach to its box; links inside it are hidden.
    const from = owners.get(edge.source);
    const to = owners.get(edge.target);
    if (from && from === to) continue;
    edges.push({
      id: edge.id,
      type: 'shape',
      source: from ?? edge.source,
      sourceHandle: from ? 'out' : edge.sourcePort,
      target: to ?? edge.target,
      targetHandle: to ? 'in' : edge.targetPort,
      reconnectable: !from && !to,
      selected: selected.has(edge.id),
      data: {
        shape: formatShape(analysis.nodes[edge.source]?.outputShape),
        invalid: errors.get(edge.target)?.incomplete === false,
      },
    });
  }
  return edges;
}
