/**
 * Fix-its: for a validation error on a node, the edits that make sense to repair it, each
 * a pure function of the document (the store applies one as one undoable step).
 *
 * - Dense (or anything wanting a vector) after an image: insert Flatten, or Global average
 *   pooling then Flatten.
 * - Add of mismatched shapes: a 1×1 convolution (with the stride and channels that match)
 *   on each input that differs — the projection shortcut of ResNet.
 * - A window too large for its input: padding "same".
 */
import type { GraphDocument, Shape, XY } from '../../../engine/graph/document';
import type { GraphAnalysis, GraphIssue } from '../../../engine/graph/types';
import { getNodeType } from '../../../engine/nodes/registry';
import { addNode, insertOnEdge, setParam } from './graph-edit';

/** One offered repair. */
export interface FixIt {
  /** Stable within one issue (`flatten`, `global-pool`, `project-shortcut`, `padding-same`). */
  id: string;
  /** What the button says. */
  label: string;
  /** The repaired document (the input is left as it was). */
  apply(doc: GraphDocument): GraphDocument;
}

/** The fixes for the first error on `nodeId`, or none. */
export function fixesForNode(doc: GraphDocument, analysis: GraphAnalysis, nodeId: string): FixIt[] {
  const issue = analysis.issues.find((i) => i.severity === 'error' && i.nodeId === nodeId);
  return issue ? fixesFor(doc, analysis, issue) : [];
}

/** The fixes that make sense for one issue (possibly none). */
export function fixesFor(doc: GraphDocument, analysis: GraphAnalysis, issue: GraphIssue): FixIt[] {
  const node = issue.nodeId === undefined ? undefined : doc.nodes.find((n) => n.id === issue.nodeId);
  if (!node) return [];
  switch (issue.code) {
    case 'needs-flatten': {
      const edge = doc.edges.find((e) => e.target === node.id);
      if (!edge) return [];
      return [
        { id: 'flatten', label: 'Insert Flatten', apply: (d) => insertChain(d, edge.id, ['flatten']) },
        {
          id: 'global-pool',
          label: 'Insert Global average pooling',
          apply: (d) => insertChain(d, edge.id, ['globalAvgPool2d', 'flatten']),
        },
      ];
    }
    case 'shape-mismatch': {
      if (node.type !== 'add') return [];
      const projection = shortcutProjection(doc, analysis, node.id);
      return projection ? [projection] : [];
    }
    case 'spatial-too-small': {
      const def = getNodeType(node.type);
      if (!def?.params.some((p) => p.name === 'padding' && p.kind === 'padding')) return [];
      if (node.params.padding === 'same') return [];
      return [
        {
          id: 'padding-same',
          label: 'Use padding "same"',
          apply: (d) => setParam(d, [node.id], 'padding', 'same'),
        },
      ];
    }
    default:
      return [];
  }
}

/** Inserts new nodes of `types`, in order, into one link, spread evenly along it. */
function insertChain(doc: GraphDocument, edgeId: string, types: readonly string[]): GraphDocument {
  let next = doc;
  let current = edgeId;
  types.forEach((type, index) => {
    const edge = next.edges.find((e) => e.id === current);
    if (!edge) throw new Error(`fix-it: link ${current} is gone`);
    const position = between(next, edge.source, edge.target, (index + 1) / (types.length + 1));
    const added = addNode(next, type, position);
    const spliced = insertOnEdge(added.doc, added.id, edge.id);
    if (!spliced) throw new Error(`fix-it: cannot insert ${type} into link ${edge.id}`);
    next = spliced;
    // Go on along the new node's outgoing link.
    current = next.edges.find((e) => e.source === added.id)!.id;
  });
  return next;
}

/** A point `t` of the way from one node to another. */
function between(doc: GraphDocument, from: string, to: string, t: number): XY {
  const a = doc.nodes.find((n) => n.id === from)!.position;
  const b = doc.nodes.find((n) => n.id === to)!.position;
  return { x: Math.round(a.x + (b.x - a.x) * t), y: Math.round(a.y + (b.y - a.y) * t) };
}

/**
 * A 1×1 convolution on each input of an Add that differs from the reference input — the one
 * with the smallest image, and of those the most channels (the main branch of a residual
 * block): its stride shrinks the image and its filters set the channels. None when some
 * input cannot be matched that way (not an image, or a size no stride gives).
 */
function shortcutProjection(doc: GraphDocument, analysis: GraphAnalysis, addId: string): FixIt | null {
  const inputs = doc.edges
    .filter((e) => e.target === addId)
    .map((edge) => ({ edge, shape: analysis.nodes[edge.source]?.outputShape ?? null }));
  if (inputs.length < 2 || inputs.some((i) => !i.shape || i.shape.length !== 3)) return null;
  const images = inputs as Array<{ edge: (typeof inputs)[number]['edge']; shape: Shape }>;
  const area = (s: Shape) => s[0] * s[1];
  const reference = images.reduce((best, i) =>
    area(i.shape) < area(best.shape) || (area(i.shape) === area(best.shape) && i.shape[2] > best.shape[2])
      ? i
      : best,
  ).shape;
  const projections: Array<{ edgeId: string; stride: number }> = [];
  for (const { edge, shape } of images) {
    if (shape.every((d, k) => d === reference[k])) continue;
    const stride = Math.round(shape[0] / reference[0]);
    // A 1×1 window without padding gives ceil(size / stride).
    if (
      stride < 1 ||
      Math.ceil(shape[0] / stride) !== reference[0] ||
      Math.ceil(shape[1] / stride) !== reference[1]
    ) {
      return null;
    }
    projections.push({ edgeId: edge.id, stride });
  }
  if (projections.length === 0) return null;
  const filters = reference[2];
  const strides = [...new Set(projections.map((p) => p.stride))];
  return {
    id: 'project-shortcut',
    label: `Add a 1×1 convolution on the shortcut (${filters} filters${strides.some((s) => s > 1) ? `, stride ${strides.join('/')}` : ''})`,
    apply(d) {
      let next = d;
      for (const { edgeId, stride } of projections) {
        const before = new Set(next.nodes.map((n) => n.id));
        next = insertChain(next, edgeId, ['conv2d']);
        const conv = next.nodes.find((n) => !before.has(n.id))!.id;
        const set = (name: string, value: number | string) => (next = setParam(next, [conv], name, value));
        set('filters', filters);
        set('kernelSize', 1);
        set('strides', stride);
        set('padding', 0);
        set('activation', 'none');
      }
      return next;
    },
  };
}
