/**
 * Keras / TensorFlow.js `model.json` (a layers topology) → an editable graph.
 *
 * Layer types that map to ours become nodes; a padding layer in front of a `valid`
 * convolution or pooling folds into that layer's numeric padding, as CNN Studio compiles
 * it; everything else is listed in `unmapped` with its name and class, and the graph is
 * wired through it where it has one input, so the rest stays editable. A model.json that
 * CNN Studio wrote carries its graph document, which is restored exactly.
 */
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
} from '../graph/document';
import { loadGraphDocument } from '../graph/load';
import {
  UnmappableLayerError,
  type ImportedNode,
  type KerasLayer as KerasLayerConfig,
  type NodeImportRules,
} from '../nodes/interchange';
import { defaultParams } from '../nodes/params';
import { allNodeTypes } from '../nodes/registry';

/** The model.json could not be read as a layers model. */
export class ModelImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportError';
  }
}

export interface ImportResult {
  document: GraphDocument;
  /** One line per layer that has no CNN Studio node, e.g. `lstm_1 (LSTM)`. */
  unmapped: string[];
}

/** Key under `userDefinedMetadata` where CNN Studio stores the graph it exported. */
export const GRAPH_METADATA_KEY = 'cnnStudioGraph';

interface KerasLayer extends KerasLayerConfig {
  /** Names of the layers feeding it, in order. */
  inbound: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(input: string | unknown): Json {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ModelImportError(`not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(value)) throw new ModelImportError('not a model.json: expected a JSON object');
  return value;
}

/** Reads the inbound layer names of one functional-model layer (Keras 2 and Keras 3 forms). */
function inboundNames(layer: Json): string[] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  const first = nodes[0];
  if (Array.isArray(first))
    return first.map((entry) => (Array.isArray(entry) ? String(entry[0]) : String(entry)));
  if (isObject(first) && Array.isArray(first.args)) {
    const names: string[] = [];
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (isObject(value) && isObject(value.config) && Array.isArray(value.config.keras_history))
        names.push(String(value.config.keras_history[0]));
    };
    visit(first.args);
    return names;
  }
  return [];
}

function readLayers(topology: Json): KerasLayer[] {
  const className = String(topology.class_name ?? '');
  const config = topology.config;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list))
    throw new ModelImportError(`the model topology has no layer list (class_name "${className}")`);
  const layers = list.map((raw, index): KerasLayer => {
    if (!isObject(raw)) throw new ModelImportError(`layer ${index} is not an object`);
    const layerConfig = isObject(raw.config) ? raw.config : {};
    return {
      name: String(layerConfig.name ?? raw.name ?? `layer_${index}`),
      className: String(raw.class_name ?? ''),
      config: layerConfig,
      inbound: inboundNames(raw),
    };
  });
  if (className === 'Sequential') {
    // A Sequential model is a chain; its input shape sits on the first layer.
    const chained = layers.map((layer, index) => ({
      ...layer,
      inbound: index === 0 ? [] : [layers[index - 1].name],
    }));
    const first = chained[0];
    if (first && first.className !== 'InputLayer') {
      const shape = first.config.batch_input_shape ?? first.config.batch_shape;
      if (!Array.isArray(shape))
        throw new ModelImportError(`the first layer "${first.name}" has no input shape`);
      const input: KerasLayer = {
        name: `${first.name}_input`,
        className: 'InputLayer',
        config: { batch_input_shape: shape },
        inbound: [],
      };
      first.inbound = [input.name];
      return [input, ...chained];
    }
    return chained;
  }
  return layers;
}

/** The node type that reads each Keras class name, from the definitions' import rules. */
function importRulesByClassName(): Map<string, { type: string; rules: NodeImportRules }> {
  const byClassName = new Map<string, { type: string; rules: NodeImportRules }>();
  for (const definition of allNodeTypes()) {
    for (const className of definition.import?.kerasClassNames ?? []) {
      if (byClassName.has(className))
        throw new Error(`internal: Keras class ${className} is claimed by two node types`);
      byClassName.set(className, { type: definition.type, rules: definition.import! });
    }
  }
  return byClassName;
}

/** Symmetric pixels of a ZeroPadding2D / NegInfPadding2D config, or null. */
function paddingPixels(layer: KerasLayer): number | null {
  const raw = layer.config.padding;
  if (typeof raw === 'number') return raw;
  if (Array.isArray(raw)) {
    const flat = raw.flat(2).map(Number);
    return flat.every((v) => v === flat[0]) ? flat[0] : null;
  }
  return null;
}

/** The padding layers the importer folds into the next layer, by the fill they pad with. */
const PAD_LAYER_FILL: Record<string, 'zero' | '-inf'> = { ZeroPadding2D: 'zero', NegInfPadding2D: '-inf' };

/**
 * Imports a layers-model JSON (tfjs `model.json` or Keras `model.to_json()`).
 *
 * @throws ModelImportError when the text is not a layers model at all.
 */
export function importLayersModel(input: string | unknown, name = 'Imported model'): ImportResult {
  const json = parseJson(input);
  const metadata = isObject(json.userDefinedMetadata)
    ? json.userDefinedMetadata[GRAPH_METADATA_KEY]
    : undefined;
  if (metadata !== undefined) return { document: loadGraphDocument(metadata), unmapped: [] };

  const topology = isObject(json.modelTopology) ? json.modelTopology : json;
  const modelConfig = isObject(topology.model_config) ? topology.model_config : topology;
  if (!('class_name' in modelConfig))
    throw new ModelImportError(
      'not a layers model: no modelTopology / class_name (graph models from the TF converter are not editable layer graphs)',
    );
  const layers = readLayers(modelConfig);
  const rulesFor = importRulesByClassName();
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const consumers = new Map<string, number>();
  for (const layer of layers)
    for (const source of layer.inbound) consumers.set(source, (consumers.get(source) ?? 0) + 1);

  // A padding layer feeding exactly one valid conv/pool folds into it.
  const foldedPad = new Map<string, number>();
  const skipped = new Set<string>();
  for (const layer of layers) {
    if (layer.inbound.length !== 1) continue;
    const before = byName.get(layer.inbound[0]);
    const fill = before && PAD_LAYER_FILL[before.className];
    if (!before || !fill || consumers.get(before.name) !== 1) continue;
    const pixels = paddingPixels(before);
    if (
      rulesFor.get(layer.className)?.rules.foldsPadding !== fill ||
      pixels === null ||
      String(layer.config.padding ?? 'valid') !== 'valid'
    )
      continue;
    foldedPad.set(layer.name, pixels);
    skipped.add(before.name);
  }

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const unmapped: string[] = [];
  /** The node id whose output stands for a layer's output. */
  const outputOf = new Map<string, string>();
  const usedIds = new Set<string>();
  const newId = (base: string): string => {
    let id = base.replace(/[^A-Za-z0-9_-]/g, '_');
    for (let i = 2; usedIds.has(id); i++) id = `${base}_${i}`;
    usedIds.add(id);
    return id;
  };
  const connect = (source: string, target: string): void => {
    edges.push({ id: `e${edges.length + 1}`, source, sourcePort: 'out', target, targetPort: 'in' });
  };

  for (const layer of layers) {
    const sources = layer.inbound
      .map((source) => outputOf.get(source))
      .filter((id): id is string => id !== undefined);
    const wireThrough = (): void => {
      if (sources.length === 1) outputOf.set(layer.name, sources[0]);
    };
    /** Lists a layer CNN Studio cannot take and wires through it so what follows stays connected. */
    const leaveOut = (reason: string): void => {
      unmapped.push(`${layer.name} (${layer.className}): ${reason}`);
      wireThrough();
    };
    if (skipped.has(layer.name)) {
      wireThrough();
      continue;
    }
    const target = rulesFor.get(layer.className);
    if (!target) {
      leaveOut(`no CNN Studio node for ${layer.className}`);
      continue;
    }
    let mapped: ImportedNode | null;
    try {
      mapped = target.rules.fromKeras(layer, foldedPad.get(layer.name) ?? null);
    } catch (error) {
      if (!(error instanceof UnmappableLayerError)) throw error;
      leaveOut(error.message);
      continue;
    }
    // An identity (a linear Activation) is wired through.
    if (mapped === null) {
      wireThrough();
      continue;
    }
    const id = newId(layer.name);
    nodes.push({
      id,
      type: target.type,
      params: { ...defaultParams(target.type), ...mapped.params },
      position: { x: 0, y: 0 },
    });
    for (const source of sources) connect(source, id);
    let last = id;
    for (const extra of mapped.then ?? []) {
      const extraId = newId(`${layer.name}_${extra.suffix}`);
      nodes.push({
        id: extraId,
        type: extra.type,
        params: { ...defaultParams(extra.type), ...extra.params },
        position: { x: 0, y: 0 },
      });
      connect(last, extraId);
      last = extraId;
    }
    outputOf.set(layer.name, last);
  }
  if (!nodes.some((node) => node.type === 'input'))
    throw new ModelImportError('the model has no image input layer CNN Studio can use');

  // A plain top-to-bottom column in topological (file) order; the editor's tidy layout does better.
  nodes.forEach((node, index) => (node.position = { x: 0, y: index * 100 }));
  const modelName = String((isObject(modelConfig.config) && modelConfig.config.name) || name);
  return {
    document: {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: modelName,
      description:
        unmapped.length > 0
          ? `Imported; ${unmapped.length} layer(s) had no CNN Studio node.`
          : 'Imported from a layers model.',
      nodes,
      edges,
      training: { ...DEFAULT_TRAINING },
      layout: { direction: 'TB' },
      meta: { importedFrom: 'layers-model' },
    },
    unmapped,
  };
}
