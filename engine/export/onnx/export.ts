/**
 * Graph → an ONNX model (opset 13): the plan's layers in order, each written by its node
 * definition's `onnx` rule, with the weights of the engine's compiled model (a run's
 * trained weights, or freshly initialised ones).
 *
 * The model takes NCHW input `input` [N, c, h, w] as ONNX runtimes and PyTorch expect and
 * returns `output` (class scores, or probabilities when the graph ends in softmax). Inside,
 * every image is NCHW; Flatten transposes to NHWC first so Dense weights keep the engine's
 * feature order. Dropout is left out (inference).
 */
import type { GraphDocument, Shape } from '../../graph/document';
import {
  UnexportableLayerError,
  type ExportLayer,
  type NodeExportRules,
  type OnnxAttribute,
  type OnnxGraphBuilder,
  type OnnxSourceWeight,
} from '../../nodes/interchange';
import { resolveParamsFor } from '../../nodes/param-defaults';
import { getNodeType } from '../../nodes/registry';
import type { NodeParamsMap, NodeTypeDefinition, NodeTypeId } from '../../nodes/types';
import { ExportError, planExport, type ExportPlan } from '../plan';
import { leafLayers } from '../model-layers';
import { ONNX_OPSET } from './ops';
import {
  AttributeType,
  encodeOnnxModel,
  floatBytes,
  int64Bytes,
  TensorType,
  type OnnxAttributeProto,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './proto';

/** The weights of a compiled tfjs layer by its name (`<node>_<suffix>`), in tfjs's layout. */
export type OnnxWeightSource = (tfjsLayer: string) => OnnxSourceWeight[];

/** ONNX's IR version for opset 13 (onnx 1.8+), which every current runtime reads. */
const IR_VERSION = 7;

/** Names of the model's input and output values. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/** Mirrors compile/layer-names.ts's tfjsSafeName: the prefix of a node's compiled tfjs layers. */
function tfjsPrefix(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_]/g, '_');
  if (cleaned === '') return 'node';
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `n${cleaned}`;
}

function attributeProto(name: string, value: OnnxAttribute): OnnxAttributeProto {
  if ('i' in value) return { name, type: AttributeType.INT, i: value.i };
  if ('f' in value) return { name, type: AttributeType.FLOAT, f: value.f };
  if ('s' in value) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.s) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
}

/** Collects the nodes and initializers of one ONNX graph, naming every value uniquely. */
class GraphWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>([ONNX_INPUT, ONNX_OUTPUT]);

  constructor(private readonly source: OnnxWeightSource) {}

  unique(base: string): string {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  /** The builder one layer's rule writes into; `tfjsLayerPrefix` names its compiled layers. */
  builder(layerName: string, tfjsLayerPrefix: string): OnnxGraphBuilder {
    return {
      node: (opType, inputs, attributes = {}) => {
        const output = this.unique(`${layerName}_${opType.toLowerCase()}`);
        this.nodes.push({
          name: output,
          opType,
          input: [...inputs],
          output: [output],
          attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
        });
        return output;
      },
      constant: (hint, dims, values, type = 'float') => {
        const name = this.unique(`${layerName}_${hint}`);
        this.initializers.push({
          name,
          dims: [...dims],
          dataType: type === 'float' ? TensorType.FLOAT : TensorType.INT64,
          rawData:
            type === 'float'
              ? floatBytes(values instanceof Float32Array ? values : Float32Array.from(values))
              : int64Bytes(Array.from(values)),
        });
        return name;
      },
      weights: (suffix) => {
        const tfjsLayer = `${tfjsLayerPrefix}_${suffix}`;
        const weights = this.source(tfjsLayer);
        if (weights.length === 0)
          throw new Error(`internal: the compiled model has no weights in layer "${tfjsLayer}"`);
        return weights;
      },
      scoped: (prefix) => this.builder(`${layerName}_${prefix}`, `${tfjsLayerPrefix}_${prefix}`),
    };
  }
}

function imageValue(name: string, shape: Shape): OnnxValueInfo {
  const dims = shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape];
  return {
    name,
    type: {
      tensorType: {
        elemType: TensorType.FLOAT,
        shape: { dim: [{ dimParam: 'N' }, ...dims.map((dimValue) => ({ dimValue }))] },
      },
    },
  };
}

type AnyExportLayer = ExportLayer<NodeParamsMap[NodeTypeId]>;

/**
 * Writes one layer by its type's `onnx` rule; a block without one is written as its inner
 * layers (`expand`), each with the weights of its own compiled tfjs layers.
 *
 * @throws ExportError naming the node (and the inner layer) ONNX cannot express.
 */
function writeLayer(
  nodeId: string,
  definition: NodeTypeDefinition,
  layer: AnyExportLayer,
  onnx: OnnxGraphBuilder,
): string {
  const rules = (definition.export as NodeExportRules<AnyExportLayer['params']> | undefined)?.onnx;
  if (rules) {
    try {
      return rules.nodes(layer, onnx);
    } catch (error) {
      if (error instanceof UnexportableLayerError) throw new ExportError(nodeId, error.message);
      throw error;
    }
  }
  if (!definition.expand) throw new ExportError(nodeId, `${definition.label} has no ONNX export`);
  const subgraph = definition.expand(layer.params);
  const values = new Map([['$in', { name: layer.inputs[0], shape: layer.inputShapes[0] }]]);
  for (const inner of subgraph.nodes) {
    const sources = subgraph.edges
      .filter((edge) => edge.target === inner.id)
      .map((edge) => values.get(edge.source)!);
    const innerDefinition = getNodeType(inner.type);
    if (!innerDefinition)
      throw new ExportError(nodeId, `inner layer "${inner.id}" has the unknown type "${inner.type}"`);
    const params = resolveParamsFor(innerDefinition, inner.params) as unknown as AnyExportLayer['params'];
    const inputShapes = sources.map((source) => source.shape);
    const outputShape = innerDefinition.inferShape(params, inputShapes);
    const output = writeLayer(
      `${nodeId}/${inner.id}`,
      innerDefinition,
      {
        name: `${layer.name}_${inner.id}`,
        params,
        inputs: sources.map((s) => s.name),
        inputShapes,
        outputShape,
      },
      onnx.scoped(inner.id),
    );
    values.set(inner.id, { name: output, shape: outputShape });
  }
  return values.get(subgraph.output)!.name;
}

/**
 * The ONNX model of a planned graph.
 *
 * @throws ExportError naming a node ONNX cannot express.
 */
export function onnxModel(plan: ExportPlan, source: OnnxWeightSource): OnnxModel {
  const writer = new GraphWriter(source);
  const value = new Map<string, string>([[plan.inputName, ONNX_INPUT]]);
  for (const layer of plan.layers) {
    const inputs = layer.inputs.map((name) => value.get(name)!);
    const builder = writer.builder(layer.name, tfjsPrefix(layer.node.id));
    value.set(layer.name, writeLayer(layer.node.id, layer.definition, { ...layer, inputs }, builder));
  }
  writer.nodes.push({
    name: ONNX_OUTPUT,
    opType: 'Identity',
    input: [value.get(plan.outputName)!],
    output: [ONNX_OUTPUT],
  });
  const outputShape = plan.analysis.outputShape!;
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'CNN Studio',
    docString: `${plan.document.name}: input NCHW [N, ${plan.inputShape[2]}, ${plan.inputShape[0]}, ${plan.inputShape[1]}]; output ${plan.outputIsProbabilities ? 'class probabilities' : 'class scores'}`,
    graph: {
      name: plan.document.name,
      node: writer.nodes,
      initializer: writer.initializers,
      input: [imageValue(ONNX_INPUT, plan.inputShape)],
      output: [imageValue(ONNX_OUTPUT, outputShape)],
    },
  };
}

/**
 * The `.onnx` bytes of a graph with the weights `source` gives.
 *
 * @throws GraphInvalidError for an invalid graph; ExportError naming a node ONNX cannot express.
 */
export function exportOnnx(document: GraphDocument, source: OnnxWeightSource): Uint8Array {
  return encodeOnnxModel(onnxModel(planExport(document), source));
}

/** The part of a tfjs layer (or nested part model) the weight source reads. */
interface LayerWithWeights {
  name: string;
  layers?: unknown[];
  getWeights(): Array<{ shape: number[]; dataSync(): ArrayLike<number> }>;
}

/**
 * The weights of a compiled tfjs model (the engine's `compileGraph`, with a run's weights
 * read in or fresh ones) by layer name, looking inside nested part models.
 */
export function modelWeightSource(model: { layers: readonly unknown[] }): OnnxWeightSource {
  const byName = new Map(leafLayers<LayerWithWeights>(model).map((layer) => [layer.name, layer]));
  return (name) =>
    (byName.get(name)?.getWeights() ?? []).map((tensor) => ({
      shape: tensor.shape,
      data: Float32Array.from(tensor.dataSync()),
    }));
}
