/**
 * The part of every code exporter that is not about the target language: validate the
 * graph, order it, resolve params, give each node a Python name, and see bypassed nodes
 * through (a bypassed node's value is its input's).
 */
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument, GraphNode, Shape } from '../graph/document';
import { GraphInvalidError } from '../graph/errors';
import type { GraphAnalysis } from '../graph/types';
import { UnexportableLayerError, type ExportLayer, type NodeExportRules } from '../nodes/interchange';
import { outputIsProbabilities as outputProbabilities } from '../nodes/output-kind';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import type { NodeParamsMap, NodeTypeDefinition, NodeTypeId } from '../nodes/types';
import { pythonNames } from './python';

/** A graph the target cannot express; names the node. */
export class ExportError extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(`node "${nodeId}": ${message}`);
    this.name = 'ExportError';
  }
}

export interface PlannedNode<T extends NodeTypeId = NodeTypeId> extends ExportLayer<NodeParamsMap[T]> {
  node: GraphNode;
  type: T;
  definition: NodeTypeDefinition;
  params: NodeParamsMap[T];
  /** The node's variable / attribute name in generated code. */
  name: string;
  /** Names of the values it consumes, in input order (bypassed nodes seen through). */
  inputs: string[];
  inputShapes: Shape[];
  outputShape: Shape;
}

export interface ExportPlan {
  document: GraphDocument;
  analysis: GraphAnalysis;
  /** Layers in topological order, without the input node and bypassed nodes. */
  layers: PlannedNode[];
  /** The input node's name (the forward function's argument). */
  inputName: string;
  inputShape: readonly [number, number, number];
  /** The name of the value the model returns. */
  outputName: string;
  numClasses: number;
  /**
   * True when the graph ends in softmax, so the model outputs probabilities and training
   * takes the log loss on them (as the app does) rather than cross-entropy on logits.
   */
  outputIsProbabilities: boolean;
  /** True when every layer feeds only the next: the model can be one Sequential. */
  isChain: boolean;
}

/**
 * Plans the export of a valid graph.
 *
 * @throws GraphInvalidError when the graph has errors; ExportError when its input is not an image.
 */
export function planExport(document: GraphDocument): ExportPlan {
  const analysis = analyzeGraph(document);
  if (!analysis.valid) throw new GraphInvalidError(analysis.issues, `cannot export "${document.name}"`);
  const byId = new Map(document.nodes.map((node) => [node.id, node]));
  const names = pythonNames(analysis.order);
  const valueName = new Map<string, string>();
  const layers: PlannedNode[] = [];
  const consumers = new Map<string, number>();

  for (const id of analysis.order) {
    const node = byId.get(id)!;
    const incoming = document.edges
      .filter((edge) => edge.target === id)
      .map((edge) => valueName.get(edge.source)!);
    if (node.type === 'input' || !node.bypassed) {
      valueName.set(id, names.get(id)!);
    } else {
      valueName.set(id, incoming[0]);
      continue;
    }
    if (node.type === 'input') continue;
    for (const source of incoming) consumers.set(source, (consumers.get(source) ?? 0) + 1);
    const definition = getNodeType(node.type)!;
    const result = analysis.nodes[id];
    layers.push({
      node,
      type: node.type as NodeTypeId,
      definition,
      params: resolveParams(definition, node.params) as NodeParamsMap[NodeTypeId],
      name: names.get(id)!,
      inputs: incoming,
      inputShapes: result.inputShapes,
      outputShape: result.outputShape!,
    });
  }

  const inputId = analysis.inputNodeId!;
  const inputShape = analysis.inputShape!;
  if (inputShape.length !== 3)
    throw new ExportError(inputId, `the input must be an image [h, w, c], got [${inputShape.join(', ')}]`);
  const outputShape = analysis.outputShape!;
  const inputName = names.get(inputId)!;
  const outputName = valueName.get(analysis.outputNodeId!)!;
  let previous = inputName;
  let isChain = true;
  for (const layer of layers) {
    if (
      layer.inputs.length !== 1 ||
      layer.inputs[0] !== previous ||
      (consumers.get(layer.inputs[0]) ?? 0) !== 1
    )
      isChain = false;
    previous = layer.name;
  }
  const outputIsProbabilities = outputProbabilities(byId.get(analysis.outputNodeId!));
  return {
    document,
    analysis,
    layers,
    inputName,
    inputShape: inputShape as [number, number, number],
    outputName,
    numClasses: outputShape[outputShape.length - 1],
    outputIsProbabilities,
    isChain: isChain && previous === outputName,
  };
}

/** What the model returns, for the generated code's docstrings. */
export function outputDescription(plan: ExportPlan): string {
  return plan.outputIsProbabilities
    ? 'class probabilities (the graph ends in softmax)'
    : 'class scores (logits)';
}

/** The code targets node definitions carry rules for. */
export type RuleTarget = keyof NodeExportRules<unknown>;

const TARGET_NAMES: Record<RuleTarget, string> = { pytorch: 'PyTorch', keras: 'Keras', onnx: 'ONNX' };

/**
 * A layer's export rules for one target, applied by `use`; the rules' own refusals become
 * an ExportError naming the node.
 *
 * @throws ExportError when the node type has no rules for the target or refuses these settings.
 */
export function applyRules<K extends RuleTarget, R>(
  layer: PlannedNode,
  target: K,
  use: (rules: NonNullable<NodeExportRules<PlannedNode['params']>[K]>) => R,
): R {
  const rules = (layer.definition.export as NodeExportRules<PlannedNode['params']> | undefined)?.[target];
  if (!rules)
    throw new ExportError(layer.node.id, `${layer.definition.label} has no ${TARGET_NAMES[target]} export`);
  try {
    return use(rules);
  } catch (error) {
    if (error instanceof UnexportableLayerError) throw new ExportError(layer.node.id, error.message);
    throw error;
  }
}
