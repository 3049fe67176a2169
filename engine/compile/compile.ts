/**
 * `compileGraph`: a graph document → a tfjs functional model (Node side; tf is passed in).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument, GraphEdge, GraphNode } from '../graph/document';
import { GraphInvalidError } from '../graph/errors';
import { isFrozen } from '../graph/freeze';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import type { NodeParamsMap, NodeTypeId } from '../nodes/types';
import { createLayerNamer, tfjsSafeName, type LayerNamer } from './layer-names';

export { registerCustomLayers } from '../nodes/custom-layers';

/**
 * How many layers one (sub-)model holds at most. tfjs-layers maps a model's graph with one
 * stack frame per layer of depth, so a 5,000-layer chain overflowed the stack; a deeper
 * graph is built as a chain of nested models ("parts") of at most this many layers each.
 * Far above any preset (DenseNet is ~200 layers), so ordinary models stay one flat model.
 */
export const LAYERS_PER_PART = 500;

export interface CompileOptions {
  /**
   * Filled with the node id that made each tfjs layer, by layer name (what sets a node's
   * imported weights on its own layers: engine/export/imported-weights.ts).
   */
  layerOwners?: Map<string, string>;
}

/**
 * Builds the functional model of `doc`: one input (the input node), one output (the last
 * node's raw output — class scores/logits, with no softmax unless the graph has one).
 * Layers are named after node ids (`c1_conv`, `b3_p2_conv_conv` inside blocks; an id that
 * does not start with a letter or digit gets an `n` in front, `_x` → `n_x_conv`). A
 * bypassed node passes its input through. (A valid graph has a single sink, so every node
 * leads to the output.) A graph more than `LAYERS_PER_PART` layers deep is built as nested
 * parts; its layers and weights keep their names.
 *
 * @throws GraphInvalidError listing the issues when `analyzeGraph` finds errors.
 * @example
 * const model = compileGraph(tf, getPreset('lenet'));
 * model.outputs[0].shape; // [null, 10]
 */
export function compileGraph(
  tf: typeof tfjs,
  doc: GraphDocument,
  options: CompileOptions = {},
): tfjs.LayersModel {
  const analysis = analyzeGraph(doc);
  const { inputNodeId, outputNodeId } = analysis;
  if (!analysis.valid || inputNodeId === null || outputNodeId === null) {
    throw new GraphInvalidError(analysis.issues, `cannot build "${doc.name}"`);
  }
  const nodesById = new Map(doc.nodes.map((node) => [node.id, node]));
  const incoming = edgesByTarget(doc.edges);
  const namer = createLayerNamer();
  const parts = new PartBuilder(tf, namer, doc.edges, outputNodeId);

  analysis.order.forEach((id, index) => {
    const layersBefore = namer.count;
    // Edges into a node, in document order: the input order of a multi port (concat, add).
    const edges = incoming.get(id) ?? [];
    const inputs = edges.map((edge) => parts.tensor(edge.source));
    const node = nodesById.get(id)!;
    const nodeLayerName = namer.forNode(id);
    // A frozen node's layers are found again by the names it gave them.
    const frozenNames = isFrozen(node) ? new Set<string>() : null;
    const layerName =
      options.layerOwners || frozenNames
        ? (suffix: string) => {
            const name = nodeLayerName(suffix);
            options.layerOwners?.set(name, id);
            frozenNames?.add(name);
            return name;
          }
        : nodeLayerName;
    const output = compileNode(tf, node, inputs, layerName);
    if (frozenNames) freezeLayers(output, frozenNames);
    parts.add(id, output, edges, Math.max(1, namer.count - layersBefore));
    if (id === inputNodeId) parts.startWithInput(output);
    if (parts.full && index < analysis.order.length - 1) parts.close();
  });

  return parts.finish(doc.name === '' ? 'model' : tfjsSafeName(doc.name));
}

function compileNode(
  tf: typeof tfjs,
  node: GraphNode,
  inputs: tfjs.SymbolicTensor[],
  layerName: (suffix: string) => string,
): tfjs.SymbolicTensor {
  const def = getNodeType(node.type)!;
  if (node.bypassed && def.inputs.length > 0) return inputs[0];
  const params = resolveParams(def, node.params) as unknown as NodeParamsMap[NodeTypeId];
  return def.compile({ tf, layerName }, params, inputs);
}

/**
 * Makes the layers named in `names` that lead to `output` non-trainable (tfjs moves their
 * weights to `nonTrainableWeights`, so training leaves them as they are). Walks back from the
 * node's output through its own layers only: a layer of another name is an earlier node's.
 */
function freezeLayers(output: tfjs.SymbolicTensor, names: ReadonlySet<string>): void {
  const pending = [output];
  const seen = new Set<tfjs.layers.Layer>();
  while (pending.length > 0) {
    const tensor = pending.pop()!;
    const layer = tensor.sourceLayer;
    if (!layer || seen.has(layer) || !names.has(layer.name)) continue;
    seen.add(layer);
    layer.trainable = false;
    const inbound = layer.inboundNodes[tensor.nodeIndex];
    if (inbound) pending.push(...inbound.inputTensors);
  }
}

/** The edges into each node, in document order. */
function edgesByTarget(edges: readonly GraphEdge[]): Map<string, GraphEdge[]> {
  const byTarget = new Map<string, GraphEdge[]>();
  for (const edge of edges) {
    const list = byTarget.get(edge.target);
    if (list) list.push(edge);
    else byTarget.set(edge.target, [edge]);
  }
  return byTarget;
}

/**
 * Collects compiled tensors into parts. Within a part, tensors are looked up by node id;
 * only those some later node still needs are kept. Closing a part makes it a model whose
 * inputs are the tensors carried into it and whose outputs are those carried on; the next
 * part starts from fresh inputs of the same shapes. With one part, the model is flat.
 */
class PartBuilder {
  /** Tensors of the current part that are still needed, by node id. */
  private scope = new Map<string, tfjs.SymbolicTensor>();
  /** Uses left of each node's output (the model output counts one more: never dropped). */
  private readonly usesLeft = new Map<string, number>();
  private modelInput: tfjs.SymbolicTensor | null = null;
  /** The current part's inputs, and what feeds them in the enclosing model. */
  private partInputs: tfjs.SymbolicTensor[] = [];
  private partSources: tfjs.SymbolicTensor[] = [];
  /** The node ids `partSources` stand for, once a part is closed. */
  private carriedIds: string[] = [];
  private layersInPart = 0;
  private closed = 0;

  constructor(
    private readonly tf: typeof tfjs,
    private readonly namer: LayerNamer,
    edges: readonly GraphEdge[],
    private readonly outputNodeId: string,
  ) {
    for (const edge of edges) this.usesLeft.set(edge.source, (this.usesLeft.get(edge.source) ?? 0) + 1);
    this.usesLeft.set(outputNodeId, (this.usesLeft.get(outputNodeId) ?? 0) + 1);
  }

  get full(): boolean {
    return this.layersInPart >= LAYERS_PER_PART;
  }

  tensor(id: string): tfjs.SymbolicTensor {
    return this.scope.get(id)!;
  }

  /** Records a node's output, built from `edges`' sources with about `layers` layers. */
  add(id: string, output: tfjs.SymbolicTensor, edges: readonly GraphEdge[], layers: number): void {
    this.scope.set(id, output);
    for (const edge of edges) {
      const left = this.usesLeft.get(edge.source)! - 1;
      this.usesLeft.set(edge.source, left);
      if (left === 0) this.scope.delete(edge.source);
    }
    this.layersInPart += layers;
  }

  /** The model's input, which is also the first part's. */
  startWithInput(input: tfjs.SymbolicTensor): void {
    this.modelInput = input;
    this.partInputs = [input];
    this.partSources = [input];
  }

  /** Ends the current part: a model applied to what feeds it; the next part starts empty. */
  close(): void {
    const carried = [...this.scope.keys()];
    this.carriedIds = carried;
    this.closed += 1;
    const part = this.tf.model({
      inputs: this.partInputs,
      outputs: carried.map((id) => this.scope.get(id)!),
      name: this.namer.forNode(`part${this.closed}`)('model'),
    });
    const applied = part.apply(this.partSources) as tfjs.SymbolicTensor | tfjs.SymbolicTensor[];
    this.partSources = Array.isArray(applied) ? applied : [applied];
    this.partInputs = carried.map((id) =>
      this.tf.input({
        shape: this.scope.get(id)!.shape.slice(1) as number[],
        name: this.namer.forNode(id)('carried'),
      }),
    );
    this.scope = new Map(carried.map((id, i) => [id, this.partInputs[i]]));
    this.layersInPart = 0;
  }

  finish(name: string): tfjs.LayersModel {
    const inputs = this.modelInput!;
    if (this.closed === 0) return this.tf.model({ inputs, outputs: this.tensor(this.outputNodeId), name });
    this.close();
    return this.tf.model({
      inputs,
      outputs: this.partSources[this.carriedIds.indexOf(this.outputNodeId)],
      name,
    });
  }
}
