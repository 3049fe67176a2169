/**
 * Folding: recognises blocks (the book's and the new ones) in a flat graph — an imported
 * Keras, tfjs or ONNX model is one node per layer — and replaces each with its block node,
 * so ResNet-50 opens as a stem, sixteen bottlenecks and a head instead of 177 layers.
 * Unfolding does the reverse.
 *
 * A candidate is accepted only when the block's own `expand()` for the guessed params
 * matches the flat layers exactly: the same types, the same wiring, the same params (padding
 * compared as the pixels it adds), and no inner value used outside. So folding never changes
 * the maths: the block compiles to the same layers with the same weights (`FoldResult.folds`
 * says which flat node each inner layer was, for moving weights across).
 */
import { explicitPadding } from '../export/padding';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import type { Subgraph } from '../nodes/types';
import { analyzeGraph } from './analyze';
import type { GraphDocument, GraphEdge, GraphNode, Params, ParamValue, Shape } from './document';
import { isFrozen } from './freeze';
import type { GraphAnalysis } from './types';

/** One block made from flat layers. */
export interface Fold {
  /** The block node's id (the id of the flat layer that was its output). */
  blockId: string;
  type: string;
  /**
   * For each inner node id of the block's `expand()`, the flat node it replaces, in
   * `expand()` order; then `<inner>_pad` for a weightless ZeroPadding2D taken into that
   * inner layer as its 'same' padding.
   */
  inner: Record<string, string>;
}

export interface FoldResult {
  document: GraphDocument;
  folds: Fold[];
}

/** Params a block may have, guessed from the flat layers around its input. */
type Guess = (graph: FlatGraph, entry: string) => Params[];

/**
 * Block types tried, largest first (a squeeze-excitation inside an inverted residual is
 * folded with it), each with the params its layers suggest.
 */
const GUESSES: ReadonlyArray<readonly [type: string, guess: Guess]> = [
  ['bottleneck', guessBottleneck],
  ['invertedResidual', guessInvertedResidual],
  ['residual', guessResidual],
  ['inception', guessInception],
  ['denseBlock', guessDenseBlock],
  ['transition', guessTransition],
  ['depthwiseSeparable', guessDepthwiseSeparable],
  ['vggBlock', guessVggBlock],
  ['ninBlock', guessNinBlock],
  ['squeezeExcitation', guessSqueezeExcitation],
];

/** The graph with its consumers and shapes indexed. */
class FlatGraph {
  readonly nodes: Map<string, GraphNode>;
  readonly analysis: GraphAnalysis;
  private readonly into = new Map<string, GraphEdge[]>();
  private readonly outOf = new Map<string, GraphEdge[]>();

  constructor(readonly doc: GraphDocument) {
    this.nodes = new Map(doc.nodes.map((node) => [node.id, node]));
    this.analysis = analyzeGraph(doc);
    for (const edge of doc.edges) {
      this.into.set(edge.target, [...(this.into.get(edge.target) ?? []), edge]);
      this.outOf.set(edge.source, [...(this.outOf.get(edge.source) ?? []), edge]);
    }
  }

  sources(id: string): string[] {
    return (this.into.get(id) ?? []).map((edge) => edge.source);
  }

  consumers(id: string): string[] {
    return (this.outOf.get(id) ?? []).map((edge) => edge.target);
  }

  params(id: string): Params {
    const node = this.nodes.get(id)!;
    const def = getNodeType(node.type);
    return def ? resolveParams(def, node.params) : node.params;
  }

  type(id: string): string | undefined {
    return this.nodes.get(id)?.type;
  }

  channels(id: string): number | undefined {
    const shape = this.analysis.nodes[id]?.outputShape;
    return shape && shape.length === 3 ? shape[2] : undefined;
  }

  /** Following single consumers from `id` (itself first), at most `limit` nodes. */
  chain(id: string, limit = 12): string[] {
    const chain = [id];
    while (chain.length < limit) {
      const next = this.consumers(chain[chain.length - 1]);
      if (next.length !== 1) break;
      chain.push(next[0]);
    }
    return chain;
  }

  consumersOfType(id: string, type: string): string[] {
    return this.consumers(id).filter((consumer) => this.type(consumer) === type);
  }
}

const num = (value: ParamValue | undefined): number => (typeof value === 'number' ? value : NaN);
const square = (value: ParamValue | undefined): number | null =>
  typeof value === 'number' ? value : Array.isArray(value) && value[0] === value[1] ? value[0] : null;

function guessBottleneck(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'conv2d').flatMap((conv) => {
    const p = graph.params(conv);
    const strides = square(p.strides);
    if (square(p.kernelSize) !== 1 || strides === null) return [];
    return [true, false].map((projection) => ({ filters: num(p.filters), projection, strides }));
  });
}

function guessResidual(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'conv2d').flatMap((conv) => {
    const p = graph.params(conv);
    const strides = square(p.strides);
    if (square(p.kernelSize) !== 3 || strides === null) return [];
    return [true, false].map((use1x1) => ({ filters: num(p.filters), use1x1, strides }));
  });
}

function guessInvertedResidual(graph: FlatGraph, entry: string): Params[] {
  const channels = graph.channels(entry);
  if (channels === undefined) return [];
  const starts = [
    ...graph.consumersOfType(entry, 'conv2d'),
    ...graph.consumersOfType(entry, 'depthwiseConv2d'),
  ];
  return starts.flatMap((start) => {
    const path = graph.chain(start);
    const depthwise = path.find((id) => graph.type(id) === 'depthwiseConv2d');
    if (!depthwise) return [];
    const expansion = graph.type(start) === 'conv2d' ? num(graph.params(start).filters) / channels : 1;
    const strides = square(graph.params(depthwise).strides);
    // The projection: the first 1×1 conv after the depthwise conv, or after an SE's multiply.
    const isPointwise = (id: string) =>
      graph.type(id) === 'conv2d' && square(graph.params(id).kernelSize) === 1;
    const afterDepthwise = graph.chain(depthwise);
    let project = afterDepthwise.slice(1).find(isPointwise);
    if (!project) {
      const scale = graph.consumersOfType(afterDepthwise[afterDepthwise.length - 1], 'multiply')[0];
      project = scale ? graph.consumers(scale).find(isPointwise) : undefined;
    }
    if (!Number.isInteger(expansion) || strides === null || !project) return [];
    const filters = num(graph.params(project).filters);
    return [true, false].map((squeezeExcitation) => ({
      channels,
      expansion,
      filters,
      strides,
      squeezeExcitation,
    }));
  });
}

function guessDepthwiseSeparable(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'depthwiseConv2d').flatMap((dw) => {
    const pointwise = graph.chain(dw).find((id) => graph.type(id) === 'conv2d');
    const strides = square(graph.params(dw).strides);
    if (!pointwise || strides === null) return [];
    return [
      {
        filters: num(graph.params(pointwise).filters),
        strides,
        depthMultiplier: num(graph.params(dw).depthMultiplier),
      },
    ];
  });
}

function guessInception(graph: FlatGraph, entry: string): Params[] {
  const convs = graph.consumersOfType(entry, 'conv2d');
  const next = (id: string) => graph.consumers(id).find((consumer) => graph.type(consumer) === 'conv2d');
  const reduceInto = (kernel: number): [number, number] | null => {
    for (const conv of convs) {
      const after = next(conv);
      if (after && square(graph.params(after).kernelSize) === kernel)
        return [num(graph.params(conv).filters), num(graph.params(after).filters)];
    }
    return null;
  };
  const c1 = convs.find((conv) =>
    graph.consumers(conv).every((consumer) => graph.type(consumer) === 'concat'),
  );
  const pool = graph.consumersOfType(entry, 'maxPool2d')[0];
  const c4 = pool ? next(pool) : undefined;
  const [c2, c3] = [reduceInto(3), reduceInto(5)];
  if (!c1 || !c4 || !c2 || !c3) return [];
  return [{ c1: num(graph.params(c1).filters), c2, c3, c4: num(graph.params(c4).filters) }];
}

function guessDenseBlock(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'batchNorm').flatMap((bn) => {
    const conv = graph.chain(bn, 3).find((id) => graph.type(id) === 'conv2d');
    if (!conv) return [];
    const growthRate = num(graph.params(conv).filters);
    // Longest first: a dense block of n convs also contains one of n − 1.
    return [8, 7, 6, 5, 4, 3, 2, 1].map((numConvs) => ({ numConvs, growthRate }));
  });
}

function guessTransition(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'batchNorm').flatMap((bn) => {
    const conv = graph.chain(bn, 3).find((id) => graph.type(id) === 'conv2d');
    return conv ? [{ filters: num(graph.params(conv).filters) }] : [];
  });
}

function guessVggBlock(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'conv2d').flatMap((conv) => {
    const filters = num(graph.params(conv).filters);
    return [4, 3, 2, 1].map((numConvs) => ({ numConvs, filters }));
  });
}

function guessNinBlock(graph: FlatGraph, entry: string): Params[] {
  return graph.consumersOfType(entry, 'conv2d').flatMap((conv) => {
    const p = graph.params(conv);
    const [kernelSize, strides] = [square(p.kernelSize), square(p.strides)];
    if (kernelSize === null || strides === null) return [];
    return [{ filters: num(p.filters), kernelSize, strides, padding: p.padding }];
  });
}

function guessSqueezeExcitation(graph: FlatGraph, entry: string): Params[] {
  const channels = graph.channels(entry);
  if (channels === undefined) return [];
  return graph.consumersOfType(entry, 'globalAvgPool2d').flatMap((pool) => {
    const squeeze = graph.consumers(pool).find((id) => graph.type(id) === 'conv2d');
    if (!squeeze) return [];
    const squeezeChannels = num(graph.params(squeeze).filters);
    return (['sigmoid', 'hardSigmoid'] as const).map((gate) => ({ channels, squeezeChannels, gate }));
  });
}

/** Two nodes' params mean the same: equal values, window padding compared as pixels added. */
function sameParams(type: string, inner: Params, flat: Params, input: Shape | undefined): boolean {
  const def = getNodeType(type);
  if (!def) return false;
  const a = resolveParams(def, inner);
  const b = resolveParams(def, flat);
  return def.params.every((spec) => {
    const [x, y] = [a[spec.name], b[spec.name]];
    if (spec.kind === 'padding' && input && input.length === 3) {
      const window = (p: Params) =>
        explicitPadding(
          p.padding as never,
          [input[0], input[1]],
          (p.kernelSize ?? p.poolSize) as never,
          (p.strides ?? p.poolSize) as never,
          (p.dilation ?? 1) as never,
        );
      return JSON.stringify(window(a)) === JSON.stringify(window(b));
    }
    if (spec.kind === 'size') return JSON.stringify(square(x) ?? x) === JSON.stringify(square(y) ?? y);
    return JSON.stringify(x) === JSON.stringify(y);
  });
}

const COMMUTATIVE = new Set(['add', 'multiply']);

/**
 * Maps every inner node of `subgraph` to a flat node, `'$in'` to `entry`, or returns null.
 * Inner nodes are listed in topological order; each maps to an unclaimed flat node of its
 * type, fed by exactly the mapped sources (in order, or as a set for add and multiply),
 * with the same params. Every mapped node but the output is used only inside.
 */
function matchSubgraph(graph: FlatGraph, subgraph: Subgraph, entry: string): Map<string, string> | null {
  const mapped = new Map<string, string>([['$in', entry]]);
  const claimed = new Set<string>();
  const frozen = new Set<boolean>();
  for (const inner of subgraph.nodes) {
    const sources = subgraph.edges
      .filter((edge) => edge.target === inner.id)
      .map((edge) => mapped.get(edge.source)!);
    const candidates = graph.consumers(sources[0]).filter((id) => {
      const node = graph.nodes.get(id)!;
      if (claimed.has(id) || node.type !== inner.type || node.bypassed) return false;
      const flatSources = graph.sources(id);
      const wired = COMMUTATIVE.has(inner.type)
        ? [...flatSources].sort().join() === [...sources].sort().join()
        : flatSources.join() === sources.join();
      return (
        wired &&
        sameParams(
          inner.type,
          inner.params,
          node.params,
          graph.analysis.nodes[sources[0]]?.outputShape ?? undefined,
        )
      );
    });
    if (candidates.length === 0) return null;
    mapped.set(inner.id, candidates[0]);
    claimed.add(candidates[0]);
    frozen.add(isFrozen(graph.nodes.get(candidates[0])!));
  }
  if (frozen.size > 1) return null;
  const output = mapped.get(subgraph.output)!;
  for (const id of claimed)
    if (id !== output && graph.consumers(id).some((consumer) => !claimed.has(consumer))) return null;
  return mapped;
}

/** Replaces the matched flat nodes with one block node (the output's id, the first node's place). */
function replaceWithBlock(
  doc: GraphDocument,
  type: string,
  params: Params,
  mapped: Map<string, string>,
  output: string,
): GraphDocument {
  const entry = mapped.get('$in')!;
  const inner = new Set([...mapped.entries()].filter(([id]) => id !== '$in').map(([, flat]) => flat));
  const first = doc.nodes.find((node) => inner.has(node.id))!;
  const outputNode = doc.nodes.find((node) => node.id === output)!;
  const block: GraphNode = { id: output, type, params, position: { ...first.position } };
  if (isFrozen(outputNode)) block.trainable = false;
  const nodes = doc.nodes.flatMap((node) =>
    node.id === output ? [block] : inner.has(node.id) ? [] : [node],
  );
  // Edges into the block's layers go; edges out of its output now leave the block (same id).
  const edges = doc.edges.filter((edge) => !inner.has(edge.target));
  edges.push({ id: `${output}_in`, source: entry, sourcePort: 'out', target: output, targetPort: 'in' });
  return { ...doc, nodes, edges };
}

/**
 * Folds every recognised block of a flat graph into its block node. Pure: returns a new
 * document (the input's nodes are not changed) and which flat node each inner layer was.
 * A graph with nothing to fold comes back as it was. Invalid graphs are returned unfolded.
 *
 * @example
 * const { document, folds } = foldBlocks(importedResNet50);
 * folds.length; // 16 bottlenecks
 */
export function foldBlocks(doc: GraphDocument): FoldResult {
  if (!analyzeGraph(doc).valid) return { document: doc, folds: [] };
  // Padding layers are taken into the layers they feed only where that lets a block fold.
  const trial = absorbSamePadding(doc);
  if (trial.absorbed.size === 0) return foldAll(doc);
  const folded = foldAll(trial.document);
  const inBlocks = new Set(folded.folds.flatMap((fold) => Object.values(fold.inner)));
  const kept = new Map([...trial.absorbed].filter(([, layer]) => inBlocks.has(layer)));
  const result =
    kept.size === trial.absorbed.size
      ? folded
      : foldAll(absorbSamePadding(doc, new Set(kept.keys())).document);
  // A padding layer taken in belongs to the block of the layer it fed (`<inner>_pad`).
  for (const fold of result.folds)
    for (const [inner, flat] of Object.entries(fold.inner))
      for (const [pad, layer] of kept) if (layer === flat) fold.inner[`${inner}_pad`] = pad;
  return result;
}

function foldAll(doc: GraphDocument): FoldResult {
  let current = doc;
  const folds: Fold[] = [];
  for (const [type, guess] of GUESSES) {
    const def = getNodeType(type);
    if (!def?.expand) continue;
    let progress = true;
    while (progress) {
      progress = false;
      const graph = new FlatGraph(current);
      for (const entry of graph.analysis.order) {
        const match = tryBlock(graph, type, guess, entry);
        if (!match) continue;
        current = replaceWithBlock(current, type, match.params, match.mapped, match.output);
        folds.push({
          blockId: match.output,
          type,
          inner: Object.fromEntries([...match.mapped].filter(([id]) => id !== '$in')),
        });
        progress = true;
        break;
      }
    }
  }
  return { document: current, folds };
}

/**
 * A ZeroPadding2D that pads exactly what TensorFlow's 'same' would, in front of the one
 * window layer it feeds (Keras MobileNets pad ((0, 1), (0, 1)) before a stride-2 'valid'
 * depthwise conv), becomes that layer's 'same' padding: the same values, one node fewer, and
 * the layer then matches a block's. Padding layers that mean anything else stay.
 */
function absorbSamePadding(
  doc: GraphDocument,
  only?: ReadonlySet<string>,
): { document: GraphDocument; absorbed: Map<string, string> } {
  const graph = new FlatGraph(doc);
  const absorbed = new Map<string, string>(); // padding node → the layer it feeds
  for (const node of doc.nodes) {
    if (node.type !== 'zeroPadding2d' || node.bypassed || (only && !only.has(node.id))) continue;
    const [consumer] = graph.consumers(node.id);
    const [source] = graph.sources(node.id);
    const input = graph.analysis.nodes[source]?.outputShape;
    if (graph.consumers(node.id).length !== 1 || !input || input.length !== 3) continue;
    const target = graph.nodes.get(consumer)!;
    const p = graph.params(consumer);
    if (target.bypassed || !('padding' in p) || (p.padding !== 'valid' && p.padding !== 0)) continue;
    const same = explicitPadding(
      'same',
      [input[0], input[1]],
      (p.kernelSize ?? p.poolSize) as never,
      (p.strides ?? p.poolSize) as never,
      (p.dilation ?? 1) as never,
    );
    const pad = graph.params(node.id);
    if ((['top', 'bottom', 'left', 'right'] as const).every((side) => same[side] === pad[side]))
      absorbed.set(node.id, consumer);
  }
  if (absorbed.size === 0) return { document: doc, absorbed };
  const layers = new Set(absorbed.values());
  const document: GraphDocument = {
    ...doc,
    nodes: doc.nodes
      .filter((node) => !absorbed.has(node.id))
      .map((node) => (layers.has(node.id) ? { ...node, params: { ...node.params, padding: 'same' } } : node)),
    edges: doc.edges
      .filter((edge) => !absorbed.has(edge.target))
      .map((edge) => (absorbed.has(edge.source) ? { ...edge, source: graph.sources(edge.source)[0] } : edge)),
  };
  return { document, absorbed };
}

function tryBlock(
  graph: FlatGraph,
  type: string,
  guess: Guess,
  entry: string,
): { params: Params; mapped: Map<string, string>; output: string } | null {
  const def = getNodeType(type)!;
  for (const candidate of guess(graph, entry)) {
    if (Object.values(candidate).some((value) => typeof value === 'number' && !Number.isFinite(value)))
      continue;
    const params = resolveParams(def, candidate);
    let subgraph: Subgraph;
    try {
      subgraph = def.expand!(params as never);
      def.inferShape(params as never, [graph.analysis.nodes[entry]?.outputShape ?? []]);
    } catch {
      continue;
    }
    const mapped = matchSubgraph(graph, subgraph, entry);
    if (mapped) return { params, mapped, output: mapped.get(subgraph.output)! };
  }
  return null;
}

/** Distance between unfolded layers (the presets' row height). */
const UNFOLD_STEP = 100;

/**
 * Replaces a block node with its inner layers (ids `<block>_<inner>`, the last one keeping
 * the block's id so edges out of it stay), laid out downwards from the block's place.
 *
 * @throws Error when the node is not a block.
 */
export function unfoldBlock(doc: GraphDocument, blockId: string): GraphDocument {
  const block = doc.nodes.find((node) => node.id === blockId);
  const def = block && getNodeType(block.type);
  if (!block || !def?.expand) throw new Error(`node "${blockId}" is not a block that can be unfolded`);
  const subgraph = def.expand(resolveParams(def, block.params) as never);
  const idOf = (inner: string) => (inner === subgraph.output ? blockId : `${blockId}_${inner}`);
  const entryEdge = doc.edges.find((edge) => edge.target === blockId);
  const entry = entryEdge?.source;
  // Inner layers one step apart along the layout; the layers after the block move along.
  const across = doc.layout.direction === 'LR';
  const step = (i: number) =>
    across
      ? { x: block.position.x + i * UNFOLD_STEP, y: block.position.y }
      : { x: block.position.x, y: block.position.y + i * UNFOLD_STEP };
  const room = (subgraph.nodes.length - 1) * UNFOLD_STEP;
  const innerNodes: GraphNode[] = subgraph.nodes.map((inner, i) => ({
    id: idOf(inner.id),
    type: inner.type,
    params: { ...inner.params },
    position: step(i),
    ...(isFrozen(block) ? { trainable: false } : {}),
  }));
  const moved = doc.nodes.map((node) => {
    const after = across ? node.position.x > block.position.x : node.position.y > block.position.y;
    if (!after || node === block) return node;
    return {
      ...node,
      position: across
        ? { x: node.position.x + room, y: node.position.y }
        : { x: node.position.x, y: node.position.y + room },
    };
  });
  const innerEdges: GraphEdge[] = subgraph.edges.map((edge) => ({
    id: `${blockId}_e_${edge.source}_${edge.target}`,
    source: edge.source === '$in' ? (entry ?? '') : idOf(edge.source),
    sourcePort: 'out',
    target: idOf(edge.target),
    targetPort: 'in',
  }));
  const at = doc.nodes.indexOf(block);
  return {
    ...doc,
    nodes: [...moved.slice(0, at), ...innerNodes, ...moved.slice(at + 1)],
    edges: [...doc.edges.filter((edge) => edge.target !== blockId), ...innerEdges],
  };
}

/** Unfolds every block node (a flat graph comes back as it was). */
export function unfoldAll(doc: GraphDocument): GraphDocument {
  let current = doc;
  for (const node of doc.nodes) if (getNodeType(node.type)?.expand) current = unfoldBlock(current, node.id);
  return current;
}

/**
 * Per-node weights (as importers hand them: each node's tensors in the order its compiled
 * layers hold them) moved onto the folded graph: a block's tensors are its inner layers'
 * in `expand()` order, which is the order the block's compiled layers are made in.
 */
export function foldWeights<T>(
  weights: ReadonlyMap<string, readonly T[]>,
  folds: readonly Fold[],
): Map<string, T[]> {
  const result = new Map<string, T[]>([...weights].map(([id, tensors]) => [id, [...tensors]]));
  for (const fold of folds) {
    const flatIds = Object.values(fold.inner);
    const tensors = flatIds.flatMap((id) => weights.get(id) ?? []);
    for (const id of flatIds) result.delete(id);
    if (tensors.length > 0) result.set(fold.blockId, tensors);
  }
  return result;
}
