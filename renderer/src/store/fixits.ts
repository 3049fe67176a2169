/**
 * Fix-its: for a validation error on a node, the edits that make sense to repair it, each
 * a pure function of the document (the store applies one as one undoable step).
 *
 * - Dense (or anything wanting a vector) after an image: insert Flatten, or Global average
 *   pooling then Flatten.
 * - Add of mismatched shapes: a 1×1 convolution (with the stride and channels that match)
 *   on each input that differs — the projection shortcut of ResNet.
 * - A window too large for its input: padding "same", or the largest smaller kernel (pooling
 *   window) that fits; in a preset whose input was made smaller, a Resize after the input
 *   to the size the preset's layers need.
 */
import type { GraphDocument, Shape, XY } from '../../../engine/graph/document';
import type { GraphAnalysis, GraphIssue } from '../../../engine/graph/types';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { defaultParams } from '../../../engine/nodes/params';
import { getNodeType } from '../../../engine/nodes/registry';
import { addNode, insertOnEdge, makeRoom, setParam } from './graph-edit';

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
      const fixes: FixIt[] = [];
      if (
        def?.params.some((p) => p.name === 'padding' && p.kind === 'padding') &&
        node.params.padding !== 'same'
      )
        fixes.push({
          id: 'padding-same',
          label: 'Use padding "same"',
          apply: (d) => setParam(d, [node.id], 'padding', 'same'),
        });
      const smaller = smallerWindow(doc, node.id);
      if (smaller) fixes.push(smaller);
      const resize = resizeInput(doc, analysis);
      if (resize) fixes.push(resize);
      return fixes;
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

/** The window params a smaller value of which can make a too-small input fit. */
const WINDOW_PARAMS: Readonly<Record<string, string>> = { kernelSize: 'kernel', poolSize: 'pooling window' };

const hasSpatialError = (doc: GraphDocument, nodeId?: string): boolean =>
  analyzeGraph(doc).issues.some(
    (i) =>
      i.severity === 'error' &&
      i.code === 'spatial-too-small' &&
      (nodeId === undefined || i.nodeId === nodeId),
  );

/**
 * The largest square kernel (or pooling window) below the current one with which the whole
 * graph has no too-small error; failing that, the largest that fits this node. None when the
 * node has no window param or even 1×1 does not fit.
 */
function smallerWindow(doc: GraphDocument, nodeId: string): FixIt | null {
  const node = doc.nodes.find((n) => n.id === nodeId)!;
  const def = getNodeType(node.type);
  const spec = def?.params.find((p) => p.kind === 'size' && p.name in WINDOW_PARAMS);
  if (!spec) return null;
  const current = node.params[spec.name] ?? defaultParams(node.type)[spec.name];
  const largest = Math.max(...(Array.isArray(current) ? current : [current as number]));
  let fitsHere: number | null = null;
  for (let size = largest - 1; size >= 1; size--) {
    const candidate = setParam(doc, [nodeId], spec.name, size);
    if (hasSpatialError(candidate, nodeId)) continue;
    fitsHere ??= size;
    if (!hasSpatialError(candidate)) {
      fitsHere = size;
      break;
    }
  }
  if (fitsHere === null) return null;
  const size = fitsHere;
  return {
    id: 'smaller-window',
    label: `Use a ${size}×${size} ${WINDOW_PARAMS[spec.name]}`,
    apply: (d) => setParam(d, [nodeId], spec.name, size),
  };
}

/** How far the layers below the input move to make room for an inserted Resize (top-down). */
const RESIZE_ROOM = 100;

/** Input sizes tried for a Resize, after the one a preset's description names. */
const COMMON_INPUT_SIZES = [32, 64, 96, 128, 160, 192, 224, 227, 256, 299];

/**
 * A preset whose input was set to another size than the preset's and is now too small for
 * its layers (AlexNet fed 28×28): a Resize right after the input, to the preset's size or
 * else the smallest common size with which no layer's window is too large. None outside
 * presets, when the input has a Resize already or feeds several layers.
 */
function resizeInput(doc: GraphDocument, analysis: GraphAnalysis): FixIt | null {
  if (typeof doc.meta.preset !== 'string' || !analysis.inputNodeId) return null;
  const input = doc.nodes.find((n) => n.id === analysis.inputNodeId)!;
  const out = doc.edges.filter((e) => e.source === input.id);
  if (out.length !== 1) return null;
  if (doc.nodes.find((n) => n.id === out[0].target)?.type === 'resize') return null;
  const height = Number(input.params.height);
  const width = Number(input.params.width);
  // Presets say their input size at the end of their description ("… 224×224 input.").
  const described = /(\d+)×(\d+) input\.?$/.exec(doc.description ?? '');
  if (!described) return null;
  const presetSize: [number, number] = [Number(described[1]), Number(described[2])];
  if (presetSize[0] === height && presetSize[1] === width) return null;
  const sizes: Array<[number, number]> = [
    presetSize,
    ...COMMON_INPUT_SIZES.map((size): [number, number] => [size, size]),
  ].filter(([h, w]) => h >= height && w >= width && (h > height || w > width));
  const withResize = (d: GraphDocument, [h, w]: readonly [number, number]): GraphDocument => {
    const edge = d.edges.find((e) => e.source === input.id)!;
    const before = new Set(d.nodes.map((n) => n.id));
    // Top-down, the layers below the input move down to make the Resize a place of its own.
    const spaced = d.layout.direction === 'TB' ? makeRoom(d, input.id, RESIZE_ROOM) : d;
    let next = insertChain(spaced, edge.id, ['resize']);
    const resize = next.nodes.find((n) => !before.has(n.id))!.id;
    next = setParam(next, [resize], 'height', h);
    return setParam(next, [resize], 'width', w);
  };
  const size = sizes.find((candidate) => !hasSpatialError(withResize(doc, candidate)));
  if (!size) return null;
  return {
    id: 'resize-input',
    label: `Insert Resize to ${size[0]}×${size[1]} after the input`,
    apply: (d) => withResize(d, size),
  };
}
