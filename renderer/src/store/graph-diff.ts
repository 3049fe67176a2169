/**
 * The architecture diff between two graphs (a run's and another run's, or the graph being
 * edited): which layers were added, removed or changed, and for a changed one which params
 * (or its type, bypass or inputs).
 *
 * Matching, kept simple on purpose:
 * 1. nodes with the same id are the same layer (the editor keeps ids across edits, saves
 *    and runs, so this matches almost everything);
 * 2. of the rest, an added node is paired with a removed node of the same type that sat
 *    nearest to it on the canvas, within `MATCH_DISTANCE` pixels — a layer deleted and
 *    re-added (new id) at the same place reads as changed, not as removed + added.
 * Params are compared with their defaults filled in, so writing out a default is no change.
 */
import type { GraphDocument, GraphNode, ParamValue, XY } from '../../../engine/graph/document';
import { getNodeType } from '../../../engine/nodes/registry';
import { resolveParams } from '../../../engine/nodes/params';

/** How near (canvas pixels) a same-type node must sit to count as the same layer under a new id. */
export const MATCH_DISTANCE = 240;

export interface ParamChange {
  name: string;
  before: ParamValue | undefined;
  after: ParamValue | undefined;
}

/** A layer present in both graphs that differs. */
export interface ChangedNode {
  beforeId: string;
  afterId: string;
  /** Set when the layer's type changed, e.g. `maxPool2d` → `avgPool2d`. */
  type?: { before: string; after: string };
  params: ParamChange[];
  bypassChanged: boolean;
  /** Its inputs come from other layers (or in another order) than before. */
  inputsChanged: boolean;
}

export interface GraphDiff {
  /** Ids (in the after graph) of layers that are new. */
  added: string[];
  /** Layers of the before graph that are gone, as they were. */
  removed: GraphNode[];
  changed: ChangedNode[];
  /** After id → before id, for every layer found in both graphs. */
  matched: Map<string, string>;
}

/**
 * Compares `before` with `after`.
 *
 * @example
 * const diff = diffGraphs(run.graph, editor.doc);
 * diff.changed[0]; // { beforeId: 'c1', afterId: 'c1', params: [{ name: 'filters', before: 6, after: 16 }], … }
 */
export function diffGraphs(before: GraphDocument, after: GraphDocument): GraphDiff {
  const beforeById = new Map(before.nodes.map((n) => [n.id, n]));
  const matched = new Map<string, string>();
  for (const node of after.nodes) if (beforeById.has(node.id)) matched.set(node.id, node.id);

  const unmatchedBefore = new Set(before.nodes.filter((n) => !matched.has(n.id)).map((n) => n.id));
  for (const node of after.nodes) {
    if (matched.has(node.id)) continue;
    let nearest: { id: string; distance: number } | null = null;
    for (const id of unmatchedBefore) {
      const candidate = beforeById.get(id)!;
      if (candidate.type !== node.type) continue;
      const d = distance(candidate.position, node.position);
      if (d <= MATCH_DISTANCE && (!nearest || d < nearest.distance)) nearest = { id, distance: d };
    }
    if (nearest) {
      matched.set(node.id, nearest.id);
      unmatchedBefore.delete(nearest.id);
    }
  }

  const afterIdOf = new Map([...matched].map(([afterId, beforeId]) => [beforeId, afterId]));
  const sourcesBefore = sourcesByTarget(before, (id) => afterIdOf.get(id) ?? `removed:${id}`);
  const sourcesAfter = sourcesByTarget(after, (id) => id);
  const changed: ChangedNode[] = [];
  for (const node of after.nodes) {
    const beforeId = matched.get(node.id);
    if (beforeId === undefined) continue;
    const old = beforeById.get(beforeId)!;
    const change: ChangedNode = {
      beforeId,
      afterId: node.id,
      params: old.type === node.type ? paramChanges(old, node) : [],
      bypassChanged: Boolean(old.bypassed) !== Boolean(node.bypassed),
      inputsChanged: (sourcesBefore.get(beforeId) ?? []).join() !== (sourcesAfter.get(node.id) ?? []).join(),
    };
    if (old.type !== node.type) change.type = { before: old.type, after: node.type };
    if (change.type || change.params.length || change.bypassChanged || change.inputsChanged)
      changed.push(change);
  }
  return {
    added: after.nodes.filter((n) => !matched.has(n.id)).map((n) => n.id),
    removed: before.nodes.filter((n) => unmatchedBefore.has(n.id)),
    changed,
    matched,
  };
}

/** True when the two graphs have the same layers, params and wiring. */
export function isEmptyDiff(diff: GraphDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** The params that differ, in the type's schema order (then any unknown ones). */
function paramChanges(before: GraphNode, after: GraphNode): ParamChange[] {
  const def = getNodeType(after.type);
  const full = (node: GraphNode) => (def ? resolveParams(def, node.params) : node.params);
  const a = full(before);
  const b = full(after);
  const names = [
    ...new Set([...(def?.params.map((p) => p.name) ?? []), ...Object.keys(a), ...Object.keys(b)]),
  ];
  return names
    .filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name]))
    .map((name) => ({ name, before: a[name], after: b[name] }));
}

/** Each node's sources in input order, named by `name` (so both graphs speak of the same ids). */
function sourcesByTarget(doc: GraphDocument, name: (id: string) => string): Map<string, string[]> {
  const sources = new Map<string, string[]>();
  for (const edge of doc.edges)
    sources.set(edge.target, [
      ...(sources.get(edge.target) ?? []),
      `${name(edge.source)}>${edge.targetPort}`,
    ]);
  return sources;
}

function distance(a: XY, b: XY): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** A param value as a person reads it in a diff: `3×3` for pairs, `on`/`off` for booleans. */
export function formatParamValue(value: ParamValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.join('×');
  return String(value);
}

/** `filters 6 → 16, padding 0 → 2` (and type / bypass / inputs when those changed). */
export function describeChange(change: ChangedNode): string {
  const parts: string[] = [];
  if (change.type) parts.push(`type ${change.type.before} → ${change.type.after}`);
  for (const p of change.params)
    parts.push(`${p.name} ${formatParamValue(p.before)} → ${formatParamValue(p.after)}`);
  if (change.bypassChanged) parts.push('bypass');
  if (change.inputsChanged) parts.push('inputs');
  return parts.join(', ');
}
