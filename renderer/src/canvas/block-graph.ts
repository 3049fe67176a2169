/**
 * A block's inside as a graph of its own, for the opened-block view: the block's registry
 * `expand()` subgraph becomes a small graph document — the block input as an `input`
 * node, then the inner layers and their links in the subgraph's order (which is also the
 * order of a concat's or an add's inputs) — and the engine's own `analyzeGraph` gives
 * every inner node its shapes, parameter count and multiply-adds. Nothing here repeats
 * the engine's math, so the inside always sums to what the block reports on the canvas.
 */
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphLayout,
  type GraphNode,
  type Params,
  type Shape,
} from '../../../engine/graph/document';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { formatShape } from '../../../engine/graph/format';
import type { GraphAnalysis, NodeAnalysis } from '../../../engine/graph/types';
import { getNodeType, nodeTypes } from '../../../engine/nodes/registry';
import { resolveParams } from '../../../engine/nodes/params';
import type { NodeTypeDefinition, Subgraph } from '../../../engine/nodes/types';
import type { ShapeFlowEdge } from './ShapeEdge';
import { errorsByNode } from './flow-model';
import type { Node } from '@xyflow/react';

/**
 * The registry's types, with an `input` that outputs the block's input shape, whatever it
 * is: a block's input is what the layer before it outputs (192 channels in GoogLeNet, a
 * vector before a block of Dense layers of one's own), not a picture a person loads, which
 * is what the real input's bounds are for.
 */
function insideTypes(inputShape: Shape): readonly NodeTypeDefinition[] {
  return nodeTypes.map((def) =>
    def.type === 'input'
      ? {
          ...def,
          params: def.params.map((spec) => ({ ...spec, max: undefined })),
          inferShape: () => [...inputShape],
        }
      : def,
  );
}

/** Id of the node standing for the block's input (no built-in block uses it inside). */
export const BLOCK_INPUT_ID = 'block_input';

/** What a node plays in the opened block. */
export type InnerRole = 'input' | 'layer' | 'output';

/** A block's inside, ready to lay out and draw. */
export interface BlockInside {
  /** The inner subgraph as a document (never edited: it is derived from the block's params). */
  doc: GraphDocument;
  /** The engine's analysis of `doc`; `null` when the block's input shape is not known yet. */
  analysis: GraphAnalysis | null;
  /** The inner node whose output leaves the block. */
  outputId: string;
}

/**
 * Builds the inside of `block` (a node whose type has `expand`), fed `inputShape` — the
 * shape arriving at the block in the main graph, or `null` when it is not wired yet (the
 * structure is then shown without shapes). Returns `null` for a node that is not a block
 * or whose params cannot be expanded.
 *
 * @example
 * const inside = blockInside(residualNode, [56, 56, 64], 'TB');
 * inside.analysis.nodes.add.inputShapes; // [[56, 56, 64], [56, 56, 64]]
 */
export function blockInside(
  block: GraphNode,
  inputShape: Shape | null,
  direction: GraphLayout['direction'],
): BlockInside | null {
  const def = getNodeType(block.type);
  const subgraph = expandBlock(def, block.params);
  if (!subgraph) return null;
  const known = inputShape !== null;
  // The input node's params only label it; its shape is the block's input (insideTypes).
  const [height, width, channels] = inputShape?.length === 3 ? inputShape : [1, 1, inputShape?.at(-1) ?? 1];
  const nodes: GraphNode[] = [
    {
      id: BLOCK_INPUT_ID,
      type: 'input',
      label: 'Block input',
      params: { height, width, channels },
      position: { x: 0, y: 0 },
    },
    ...subgraph.nodes.map((inner) => ({
      id: inner.id,
      type: inner.type,
      params: inner.params,
      position: { x: 0, y: 0 },
      ...(inner.label ? { label: inner.label } : {}),
    })),
  ];
  const edges = subgraph.edges.map((edge, index) => {
    const source = edge.source === '$in' ? BLOCK_INPUT_ID : edge.source;
    return {
      id: `${source}->${edge.target}#${index}`,
      source,
      sourcePort: 'out',
      target: edge.target,
      targetPort: 'in',
    };
  });
  const doc: GraphDocument = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: block.label ?? block.id,
    nodes,
    edges,
    training: DEFAULT_TRAINING,
    layout: { direction },
    meta: {},
  };
  return {
    doc,
    analysis: known ? analyzeGraph(doc, { types: insideTypes(inputShape) }) : null,
    outputId: subgraph.output,
  };
}

function expandBlock(def: NodeTypeDefinition | undefined, params: Params): Subgraph | null {
  if (!def?.expand) return null;
  try {
    return (def.expand as (p: Params) => Subgraph)(resolveParams(def, params));
  } catch {
    return null;
  }
}

/** What an inner node shows: its layer, the engine's numbers for it, and its role. */
export interface InnerNodeData extends Record<string, unknown> {
  node: GraphNode;
  /** Undefined when the block's input shape is unknown. */
  info: NodeAnalysis | undefined;
  role: InnerRole;
  /** The engine's message when this inner layer fails (e.g. an Add of mismatched shapes). */
  error: string | undefined;
  vertical: boolean;
}

export type InnerFlowNode = Node<InnerNodeData, 'inner'>;

/** The opened block's nodes and shape-labelled links, positions from `positions` (else stacked). */
export function buildInsideFlow(
  inside: BlockInside,
  positions: ReadonlyMap<string, { x: number; y: number }>,
): { nodes: InnerFlowNode[]; edges: ShapeFlowEdge[] } {
  const { doc, analysis, outputId } = inside;
  const errors = analysis ? errorsByNode(analysis) : new Map<string, { message: string }>();
  const vertical = doc.layout.direction === 'TB';
  const nodes = doc.nodes.map((node, index): InnerFlowNode => ({
    id: node.id,
    type: 'inner',
    position: positions.get(node.id) ?? { x: 0, y: index * 100 },
    draggable: false,
    connectable: false,
    data: {
      node,
      info: analysis?.nodes[node.id],
      role: node.id === BLOCK_INPUT_ID ? 'input' : node.id === outputId ? 'output' : 'layer',
      error: errors.get(node.id)?.message,
      vertical,
    },
  }));
  const edges = doc.edges.map((edge): ShapeFlowEdge => ({
    id: edge.id,
    type: 'shape',
    source: edge.source,
    sourceHandle: 'out',
    target: edge.target,
    targetHandle: 'in',
    reconnectable: false,
    data: {
      shape: formatShape(analysis?.nodes[edge.source]?.outputShape),
      invalid: errors.has(edge.target),
    },
  }));
  return { nodes, edges };
}
