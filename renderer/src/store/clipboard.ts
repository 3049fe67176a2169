/**
 * Copy and paste of a selection: the copied nodes plus only the links between them.
 * The payload is JSON text so it survives the system clipboard; anything that does not
 * parse as a payload is ignored rather than trusted.
 */
import type { GraphDocument, GraphEdge, GraphNode, Params, XY } from '../../../engine/graph/document';
import { isNodeTypeId } from '../../../engine/nodes/registry';
import { freshId } from './ids';
import { nodeIds } from './graph-edit';

export const CLIPBOARD_FORMAT = 'cnn-studio-clipboard';

export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the links among them. */
export function copySelection(doc: GraphDocument, ids: Iterable<string>): ClipboardPayload {
  const chosen = new Set(ids);
  return {
    format: CLIPBOARD_FORMAT,
    nodes: doc.nodes.filter((n) => chosen.has(n.id)),
    edges: doc.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isParams(v: unknown): v is Params {
  if (!isObject(v)) return false;
  return Object.values(v).every(
    (x) =>
      typeof x === 'string' ||
      typeof x === 'boolean' ||
      isFiniteNumber(x) ||
      (Array.isArray(x) && x.every(isFiniteNumber)),
  );
}

function readNode(v: unknown): GraphNode | null {
  if (!isObject(v) || typeof v.id !== 'string' || typeof v.type !== 'string' || !isNodeTypeId(v.type))
    return null;
  if (!isParams(v.params) || !isObject(v.position)) return null;
  const { x, y } = v.position;
  if (!isFiniteNumber(x) || !isFiniteNumber(y)) return null;
  const node: GraphNode = { id: v.id, type: v.type, params: v.params, position: { x, y } };
  if (typeof v.label === 'string') node.label = v.label;
  if (v.bypassed === true) node.bypassed = true;
  if (v.expanded === true) node.expanded = true;
  if (v.trainable === false) node.trainable = false;
  return node;
}

/**
 * Reads clipboard text. Returns null for anything that is not a CNN Studio payload;
 * drops nodes of unknown types and links that do not join two pasted nodes.
 */
export function parseClipboard(text: string): ClipboardPayload | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw) || raw.format !== CLIPBOARD_FORMAT || !Array.isArray(raw.nodes)) return null;
  const nodes = raw.nodes.map(readNode).filter((n): n is GraphNode => n !== null);
  const ids = new Set(nodes.map((n) => n.id));
  if (nodes.length === 0 || ids.size !== nodes.length) return null;
  const edges = (Array.isArray(raw.edges) ? raw.edges : []).filter(
    (e): e is GraphEdge =>
      isObject(e) &&
      typeof e.id === 'string' &&
      typeof e.source === 'string' &&
      typeof e.target === 'string' &&
      typeof e.sourcePort === 'string' &&
      typeof e.targetPort === 'string' &&
      ids.has(e.source) &&
      ids.has(e.target),
  );
  return { format: CLIPBOARD_FORMAT, nodes, edges };
}

/**
 * Adds the payload to the document under fresh ids, shifted by `offset`.
 * Returns the new document and the ids of the pasted nodes (to select them).
 */
export function pastePayload(
  doc: GraphDocument,
  payload: ClipboardPayload,
  offset: XY,
): { doc: GraphDocument; ids: string[] } {
  const taken = nodeIds(doc);
  const takenEdges = new Set(doc.edges.map((e) => e.id));
  const rename = new Map<string, string>();
  const nodes = payload.nodes.map((n) => {
    const id = freshId(n.type, taken);
    rename.set(n.id, id);
    return { ...n, id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges = payload.edges.map((e) => {
    const source = rename.get(e.source)!;
    const target = rename.get(e.target)!;
    return { ...e, id: freshId(`e_${source}_${target}`, takenEdges), source, target };
  });
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    ids: nodes.map((n) => n.id),
  };
}
