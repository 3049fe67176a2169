/**
 * Pure edits of a graph document. Each returns a new document and never mutates its
 * input, so the store can keep old documents as undo snapshots.
 */
import type { GraphDocument, GraphEdge, GraphNode, ParamValue, XY } from '../../../engine/graph/document';
import type { GraphAnalysis } from '../../../engine/graph/types';
import { getNodeType } from '../../../engine/nodes/registry';
import { defaultParams } from '../../../engine/nodes/params';
import { freshId } from './ids';
import { nodeIdPrefix } from '../../../engine/nodes/user-block-registry';

/** A link being made: from an output port to an input port. */
export interface ConnectionRequest {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export function nodeIds(doc: GraphDocument): Set<string> {
  return new Set(doc.nodes.map((n) => n.id));
}

function edgeIds(doc: GraphDocument): Set<string> {
  return new Set(doc.edges.map((e) => e.id));
}

/** Adds a node of `type` with its default params at `position`. */
export function addNode(doc: GraphDocument, type: string, position: XY): { doc: GraphDocument; id: string } {
  const def = getNodeType(type);
  if (!def) throw new Error(`Unknown node type "${type}".`);
  const id = freshId(nodeIdPrefix(type), nodeIds(doc));
  const node: GraphNode = { id, type, params: { ...defaultParams(def.type) }, position: { ...position } };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Removes nodes (with their links) and links. */
export function removeItems(
  doc: GraphDocument,
  nodes: Iterable<string>,
  edges: Iterable<string> = [],
): GraphDocument {
  const goneNodes = new Set(nodes);
  const goneEdges = new Set(edges);
  if (goneNodes.size === 0 && goneEdges.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !goneNodes.has(n.id)),
    edges: doc.edges.filter(
      (e) => !goneEdges.has(e.id) && !goneNodes.has(e.source) && !goneNodes.has(e.target),
    ),
  };
}

/** Moves nodes to new positions; ids not in the document are ignored. */
export function moveNodes(doc: GraphDocument, positions: ReadonlyMap<string, XY>): GraphDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Sets one param on every listed node. */
export function setParam(
  doc: GraphDocument,
  ids: Iterable<string>,
  name: string,
  value: ParamValue,
): GraphDocument {
  const targets = new Set(ids);
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (!targets.has(n.id) || sameValue(n.params[name], value)) return n;
    changed = true;
    return { ...n, params: { ...n.params, [name]: value } };
  });
  return changed ? { ...doc, nodes } : doc;
}

function sameValue(a: ParamValue | undefined, b: ParamValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Updates plain node fields (label, bypassed, expanded) on the listed nodes. */
export function updateNodes(
  doc: GraphDocument,
  ids: Iterable<string>,
  update: (node: GraphNode) => GraphNode,
): GraphDocument {
  const targets = new Set(ids);
  if (targets.size === 0) return doc;
  return { ...doc, nodes: doc.nodes.map((n) => (targets.has(n.id) ? update(n) : n)) };
}

/** True when `from` can reach `to` by following links forward. */
export function reaches(doc: GraphDocument, from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

function nodeName(doc: GraphDocument, id: string): string {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return `"${id}"`;
  return node.label ?? `${getNodeType(node.type)?.label ?? node.type} (${node.id})`;
}

const SHAPE_CODES = new Set(['shape-mismatch', 'needs-flatten', 'spatial-too-small']);

/**
 * Why a link may not be made, as a sentence for a toast, or null when it is fine.
 * Refuses self-links, unknown ports, an occupied single input, duplicates, cycles and
 * links that would give the target a shape error it did not have before.
 */
export function connectionProblem(
  doc: GraphDocument,
  request: ConnectionRequest,
  analyze: (doc: GraphDocument) => GraphAnalysis,
  /** The target's issue messages before linking, when the caller knows them (saves one analysis). */
  targetIssuesBefore?: ReadonlySet<string>,
): string | null {
  const source = doc.nodes.find((n) => n.id === request.source);
  const target = doc.nodes.find((n) => n.id === request.target);
  if (!source || !target) return 'That link points at a layer that no longer exists.';
  if (source.id === target.id) return `${nodeName(doc, target.id)} can't feed itself.`;
  const targetDef = getNodeType(target.type);
  const sourceDef = getNodeType(source.type);
  const port = targetDef?.inputs.find((p) => p.name === request.targetPort);
  if (!port) return `${nodeName(doc, target.id)} has no input "${request.targetPort}".`;
  if (!sourceDef?.outputs.some((p) => p.name === request.sourcePort))
    return `${nodeName(doc, source.id)} has no output "${request.sourcePort}".`;
  const incoming = doc.edges.filter((e) => e.target === target.id && e.targetPort === request.targetPort);
  if (incoming.some((e) => e.source === source.id && e.sourcePort === request.sourcePort))
    return `${nodeName(doc, source.id)} already feeds ${nodeName(doc, target.id)}.`;
  if (!port.multiple && incoming.length > 0)
    return `The input of ${nodeName(doc, target.id)} is already connected (from ${nodeName(doc, incoming[0].source)}). Drag that link's end to rewire it, or delete it first.`;
  if (reaches(doc, target.id, source.id))
    return `That link would make a cycle: ${nodeName(doc, target.id)} already feeds ${nodeName(doc, source.id)}.`;
  const had =
    targetIssuesBefore ??
    new Set(
      analyze(doc)
        .issues.filter((i) => i.nodeId === target.id)
        .map((i) => i.message),
    );
  const after = analyze(connect(doc, request));
  const shapeIssue = after.issues.find(
    (i) => i.severity === 'error' && i.nodeId === target.id && SHAPE_CODES.has(i.code) && !had.has(i.message),
  );
  if (shapeIssue) return `Incompatible shapes: ${shapeIssue.message}`;
  return null;
}

/** Adds the link without checks (check first with `connectionProblem`). */
export function connect(doc: GraphDocument, request: ConnectionRequest): GraphDocument {
  const id = freshId(`e_${request.source}_${request.target}`, edgeIds(doc));
  const edge: GraphEdge = { id, ...request };
  return { ...doc, edges: [...doc.edges, edge] };
}

/** The first input and output port names of a node, if it has them. */
export function mainPorts(doc: GraphDocument, id: string): { input?: string; output?: string } {
  const node = doc.nodes.find((n) => n.id === id);
  const def = node && getNodeType(node.type);
  return { input: def?.inputs[0]?.name, output: def?.outputs[0]?.name };
}

/**
 * Splices an unconnected node into a link: source → node → target. Returns null when the
 * node already has links or lacks an input or output port.
 */
export function insertOnEdge(doc: GraphDocument, nodeId: string, edgeId: string): GraphDocument | null {
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge || edge.source === nodeId || edge.target === nodeId) return null;
  if (doc.edges.some((e) => e.source === nodeId || e.target === nodeId)) return null;
  const { input, output } = mainPorts(doc, nodeId);
  if (!input || !output) return null;
  // Keep the spliced link where the old one was, so multi-input order (concat, add) holds.
  const ids = edgeIds(doc);
  const inId = freshId(`e_${edge.source}_${nodeId}`, ids);
  const outId = freshId(`e_${nodeId}_${edge.target}`, ids);
  const edges: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (e.id !== edgeId) {
      edges.push(e);
      continue;
    }
    edges.push({ id: inId, source: e.source, sourcePort: e.sourcePort, target: nodeId, targetPort: input });
    edges.push({ id: outId, source: nodeId, sourcePort: output, target: e.target, targetPort: e.targetPort });
  }
  return { ...doc, edges };
}

/** Replaces one link's ends (rewiring), keeping its place in the edge order. */
export function rewire(doc: GraphDocument, edgeId: string, request: ConnectionRequest): GraphDocument {
  return { ...doc, edges: doc.edges.map((e) => (e.id === edgeId ? { ...e, ...request } : e)) };
}

/**
 * Moves the nodes after `id` along the layout direction by `delta` pixels (negative to
 * close the gap), so a block that grows when expanded does not cover its neighbours.
 * Top-down: every node below it. Left-to-right: the nodes below it in its column.
 */
export function makeRoom(doc: GraphDocument, id: string, delta: number, columnWidth = 200): GraphDocument {
  const anchor = doc.nodes.find((n) => n.id === id);
  if (!anchor || delta === 0) return doc;
  const vertical = doc.layout.direction === 'TB';
  const moved = new Map<string, XY>();
  for (const n of doc.nodes) {
    if (n.id === id || n.position.y <= anchor.position.y) continue;
    if (!vertical && Math.abs(n.position.x - anchor.position.x) > columnWidth) continue;
    moved.set(n.id, { x: n.position.x, y: n.position.y + delta });
  }
  return moveNodes(doc, moved);
}
