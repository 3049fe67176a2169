/**
 * The one carrier of pretrained weights into CNN Studio, whatever file they came from
 * (TensorFlow.js weight shards, a Keras `.h5`, an ONNX file's initializers).
 *
 * 1. An importer reads the file's tensors as {@link ImportedTensor}s, values already in
 *    tfjs layout (conv kernels `[kh, kw, in, out]`, depthwise `[kh, kw, in, multiplier]`,
 *    dense `[in, out]`), and hands them to the graph's nodes as {@link ImportedWeights}:
 *    for each node id, its tensors in the order the node's compiled tfjs layers hold them —
 *    Keras's own order (kernel, bias; gamma, beta, moving mean, moving variance). Keras-named
 *    tensors go through {@link groupWeightsByLayer} and {@link weightsForNodes}.
 * 2. The host builds the graph's model (`compileGraph(tf, graph, { layerOwners })`) and
 *    {@link applyImportedWeights} sets every node's layers, refusing with
 *    {@link WeightMismatchError} — naming the weight, the shape the graph expects and the
 *    file's — anything that does not fit.
 * 3. The host saves that model as ordinary model files (engine/host/import-model.ts
 *    `saveImportedWeights`): in the editor as a finished run's model, from the CLI as a
 *    folder beside the graph; the graph names it in `meta.importedWeights`
 *    ({@link ImportedWeightsRef}). Evaluate, Try an image, export and fine-tuning then
 *    read the weights exactly as they read trained ones.
 *
 * Runs anywhere: tfjs is passed in (types only here).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { leafLayers } from './model-layers';

/** One weight tensor of a model file, values in tfjs layout. */
export interface ImportedTensor {
  /** The name the file gives it, e.g. `conv1/kernel` or `model_weights/conv1/conv1/kernel:0`. */
  name: string;
  shape: readonly number[];
  values: Float32Array;
}

/** Each graph node's tensors (by node id), in the order its compiled layers hold them. */
export type ImportedWeights = Map<string, ImportedTensor[]>;

/** Key under a graph document's `meta` naming where its imported weights are kept. */
export const IMPORTED_WEIGHTS_META_KEY = 'importedWeights';

/** What a graph's `meta.importedWeights` holds: where its imported weights are kept. */
export interface ImportedWeightsRef {
  /**
   * In the editor: the finished run whose model folder holds the weights, so `predict`,
   * `misclassified`, `exportModel(graph, target, runId)` and fine-tuning read them.
   */
  runId?: string;
  /**
   * From the CLI: the model folder (model.json + weights.bin) written beside the graph file,
   * relative to it; `cnn-studio export --weights <folder>` reads it.
   */
  folder?: string;
  /** The file(s) the weights came from, for people. */
  source: string;
}

/** A weight file that does not fit the imported topology; the message names the weight. */
export class WeightMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightMismatchError';
  }
}

/**
 * The layer a Keras / tfjs weight name belongs to: the path segment before the variable.
 *
 * @example
 * layerOfWeight('conv1/kernel') // 'conv1'
 * layerOfWeight('model_weights/conv1/conv1/kernel:0') // 'conv1'
 * layerOfWeight('sequential_1/conv_pw_13_bn/gamma') // 'conv_pw_13_bn'
 */
export function layerOfWeight(name: string): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : parts[0];
}

/** The tensors by the layer each belongs to, keeping the file's order within a layer. */
export function groupWeightsByLayer(
  tensors: readonly ImportedTensor[],
  layerOf: (tensor: ImportedTensor) => string = (tensor) => layerOfWeight(tensor.name),
): Map<string, ImportedTensor[]> {
  const byLayer = new Map<string, ImportedTensor[]>();
  for (const tensor of tensors) {
    const layer = layerOf(tensor);
    const list = byLayer.get(layer);
    if (list) list.push(tensor);
    else byLayer.set(layer, [tensor]);
  }
  return byLayer;
}

/**
 * Hands each layer's tensors to the node made from that layer. Layers with weights but no
 * node (a layer left out of the graph) are listed in `unused`.
 */
export function weightsForNodes(
  byLayer: ReadonlyMap<string, ImportedTensor[]>,
  nodeOfLayer: ReadonlyMap<string, string>,
): { weights: ImportedWeights; unused: string[] } {
  const weights: ImportedWeights = new Map();
  const unused: string[] = [];
  for (const [layer, tensors] of byLayer) {
    const nodeId = nodeOfLayer.get(layer);
    if (nodeId === undefined) {
      unused.push(layer);
      continue;
    }
    weights.set(nodeId, [...(weights.get(nodeId) ?? []), ...tensors]);
  }
  return { weights, unused };
}

/** The part of a tfjs layer that receives weights. */
export interface WeightedLayer {
  name: string;
  readonly weights: ReadonlyArray<{
    readonly originalName?: string;
    readonly name: string;
    readonly shape: ReadonlyArray<number | null>;
  }>;
  setWeights(values: tfjs.Tensor[]): void;
}

const shapeText = (shape: ReadonlyArray<number | null>): string => `[${shape.join(', ')}]`;

/**
 * The tfjs layers of a compiled model (inside nested part models too) grouped by the node
 * that made them, in creation order, from `compileGraph`'s `layerOwners`.
 */
export function layersByNode(
  model: { layers: readonly unknown[] },
  layerOwners: ReadonlyMap<string, string>,
): Map<string, WeightedLayer[]> {
  const found = new Map(
    leafLayers<WeightedLayer>(model)
      .filter((layer) => layerOwners.has(layer.name))
      .map((layer) => [layer.name, layer]),
  );
  const byNode = new Map<string, WeightedLayer[]>();
  for (const [name, nodeId] of layerOwners) {
    const layer = found.get(name);
    if (!layer || layer.weights.length === 0) continue;
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), layer]);
  }
  return byNode;
}

/**
 * Sets every node's layers to its imported tensors. All are checked before any is set, so
 * a refused file changes nothing.
 *
 * @throws WeightMismatchError naming the weight (file name, the graph's shape, the file's
 *   shape) when a node's tensors are missing, too many, or of another shape.
 */
export function applyImportedWeights(
  tf: Pick<typeof tfjs, 'tensor'>,
  layers: ReadonlyMap<string, readonly WeightedLayer[]>,
  weights: ImportedWeights,
): void {
  const plan: Array<{ layer: WeightedLayer; tensors: ImportedTensor[] }> = [];
  for (const [nodeId, nodeLayers] of layers) {
    const given = weights.get(nodeId) ?? [];
    const expected = nodeLayers.flatMap((layer) =>
      layer.weights.map((weight) => ({
        layer,
        shape: weight.shape,
        name: weight.originalName ?? weight.name,
      })),
    );
    if (given.length === 0)
      throw new WeightMismatchError(
        `layer ${nodeId}: the weight file has no weights for it (expected ${expected.length}: ${expected.map((w) => `${w.name} ${shapeText(w.shape)}`).join(', ')})`,
      );
    if (given.length !== expected.length)
      throw new WeightMismatchError(
        `layer ${nodeId}: the weight file has ${given.length} weights (${given.map((t) => `${t.name} ${shapeText(t.shape)}`).join(', ')}), the layer takes ${expected.length} (${expected.map((w) => shapeText(w.shape)).join(', ')})`,
      );
    expected.forEach((want, i) => {
      const tensor = given[i];
      if (shapeText(want.shape) !== shapeText(tensor.shape))
        throw new WeightMismatchError(
          `weight ${tensor.name} (layer ${nodeId}): expected shape ${shapeText(want.shape)}, the file has ${shapeText(tensor.shape)}`,
        );
      const size = tensor.shape.reduce((product, n) => product * n, 1);
      if (tensor.values.length !== size)
        throw new WeightMismatchError(
          `weight ${tensor.name} (layer ${nodeId}): shape ${shapeText(tensor.shape)} needs ${size} values, the file has ${tensor.values.length}`,
        );
    });
    const byLayer = new Map<WeightedLayer, ImportedTensor[]>();
    expected.forEach((want, i) => byLayer.set(want.layer, [...(byLayer.get(want.layer) ?? []), given[i]]));
    for (const [layer, tensors] of byLayer) plan.push({ layer, tensors });
  }
  const unclaimed = [...weights.keys()].filter((nodeId) => !layers.has(nodeId));
  if (unclaimed.length > 0)
    throw new WeightMismatchError(
      `weight ${weights.get(unclaimed[0])![0].name}: the graph's layer ${unclaimed[0]} has no weights to take it`,
    );
  for (const { layer, tensors } of plan) {
    const values = tensors.map((tensor) => tf.tensor(tensor.values, [...tensor.shape], 'float32'));
    try {
      layer.setWeights(values);
    } finally {
      for (const value of values) value.dispose();
    }
  }
}
