/**
 * `compileGraph`: a graph document → a tfjs functional model (Node side; tf is passed in).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument, GraphNode } from '../graph/document';
import { GraphInvalidError } from '../graph/errors';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import type { NodeParamsMap, NodeTypeId } from '../nodes/types';
import { createLayerNamer } from './layer-names';

export { registerCustomLayers } from '../nodes/custom-layers';

/**
 * Builds the functional model of `doc`: one input (the input node), one output (the last
 * node's raw output — class scores/logits, with no softmax unless the graph has one).
 * Layers are named after node ids (`c1_conv`, `b3_p2_conv_conv` inside blocks). A bypassed
 * node passes its input through. (A valid graph has a single
 * sink, so every node leads to the output.)
 *
 * @throws GraphInvalidError listing the issues when `analyzeGraph` finds errors.
 * @example
 * const model = compileGraph(tf, getPreset('lenet'));
 * model.outputs[0].shape; // [null, 10]
 */
export function compileGraph(tf: typeof tfjs, doc: GraphDocument): tfjs.LayersModel {
  const analysis = analyzeGraph(doc);
  if (!analysis.valid || analysis.inputNodeId === null || analysis.outputNodeId === null) {
    throw new GraphInvalidError(analysis.issues, `cannot build "${doc.name}"`);
  }
  const nodesById = new Map(doc.nodes.map((node) => [node.id, node]));
  const namer = createLayerNamer();
  const tensors = new Map<string, tfjs.SymbolicTensor>();

  for (const id of analysis.order) {
    // Edges into a node, in document order: the input order of a multi port (concat, add).
    const inputs = doc.edges.filter((edge) => edge.target === id).map((edge) => tensors.get(edge.source)!);
    tensors.set(id, compileNode(tf, nodesById.get(id)!, inputs, namer.forNode(id)));
  }

  return tf.model({
    inputs: tensors.get(analysis.inputNodeId)!,
    outputs: tensors.get(analysis.outputNodeId)!,
    name: modelName(doc.name),
  });
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

function modelName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_') || 'model';
}
