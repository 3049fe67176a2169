/**
 * The architecture diff as the canvas shows it: a mark per added or changed layer, and a
 * ghost node, where it used to sit, per removed one.
 */
import type { Node } from '@xyflow/react';
import type { GraphDocument, GraphNode } from '../../../engine/graph/document';
import { describeChange, diffGraphs, type GraphDiff } from '../store/graph-diff';

/** What a layer's face says about the diff. */
export interface NodeDiffMark {
  kind: 'added' | 'changed';
  /** `filters 6 → 8` for a changed layer; empty for an added one. */
  detail: string;
}

/** Flow-node ids of removed layers' ghosts, kept apart from layer ids. */
export const REMOVED_PREFIX = 'removed:';

export interface RemovedNodeData extends Record<string, unknown> {
  node: GraphNode;
}

export type RemovedFlowNode = Node<RemovedNodeData, 'removed'>;

/** The marks a diff puts on the layers of the graph it was computed against (its `after`). */
export function diffMarks(diff: GraphDiff): Map<string, NodeDiffMark> {
  const marks = new Map<string, NodeDiffMark>();
  for (const id of diff.added) marks.set(id, { kind: 'added', detail: '' });
  for (const change of diff.changed)
    marks.set(change.afterId, { kind: 'changed', detail: describeChange(change) });
  return marks;
}

/** One ghost per removed layer, at its old position, neither selectable nor draggable. */
export function removedGhosts(diff: GraphDiff): RemovedFlowNode[] {
  return diff.removed.map((node) => ({
    id: REMOVED_PREFIX + node.id,
    type: 'removed',
    position: node.position,
    selectable: false,
    draggable: false,
    connectable: false,
    zIndex: -1,
    data: { node },
  }));
}

export function sameMark(a: NodeDiffMark | undefined, b: NodeDiffMark | undefined): boolean {
  return a?.kind === b?.kind && a?.detail === b?.detail;
}

/** Marks and ghosts for the edited graph `doc` compared with `base` (a run's graph). */
export function canvasDiff(
  base: GraphDocument,
  doc: GraphDocument,
): { marks: Map<string, NodeDiffMark>; ghosts: RemovedFlowNode[] } {
  const diff = diffGraphs(base, doc);
  return { marks: diffMarks(diff), ghosts: removedGhosts(diff) };
}
