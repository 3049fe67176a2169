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
  type Params,
} from '../graph/document';
import { loadGraphDocument } from '../graph/load';
import { defaultParams } from '../nodes/params';
import type { ActivationName, FusedActivation } from '../nodes/types';

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

interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
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

function pair(value: unknown, what: string, layer: KerasLayer): number {
  const values = Array.isArray(value) ? value : [value];
  if (values.some((v) => v !== values[0]))
    throw new Unmappable(`${what} ${JSON.stringify(value)} is not square`);
  const n = Number(values[0]);
  if (!Number.isFinite(n)) throw new Unmappable(`layer ${layer.name}: ${what} is missing`);
  return n;
}

/** A layer we recognize but whose settings have no CNN Studio equivalent. */
class Unmappable extends Error {}

const KERAS_ACTIVATIONS: Record<string, FusedActivation> = {
  linear: 'none',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  gelu: 'gelu',
};

function activationOf(value: unknown): FusedActivation {
  const name = String(value ?? 'linear');
  const mapped = KERAS_ACTIVATIONS[name];
  if (!mapped) throw new Unmappable(`activation "${name}"`);
  return mapped;
}

function kerasPadding(value: unknown): 'valid' | 'same' {
  const padding = String(value ?? 'valid');
  if (padding !== 'valid' && padding !== 'same') throw new Unmappable(`padding "${padding}"`);
  return padding;
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

interface Mapped {
  type: string;
  params: Params;
  /** Extra nodes after this one (e.g. GlobalAveragePooling2D → pool + flatten). */
  then?: Array<{ type: string; params: Params; suffix: string }>;
}

/** Maps one Keras layer to our node(s). `pad` is the folded-in padding from a padding layer before it. */
function mapLayer(layer: KerasLayer, pad: number | null): Mapped {
  const c = layer.config;
  const windowPadding = (): Params['padding'] => {
    const padding = kerasPadding(c.padding);
    if (pad === null) return padding;
    if (padding !== 'valid') throw new Unmappable('a padding layer before a "same" layer');
    return pad;
  };
  switch (layer.className) {
    case 'InputLayer': {
      const shape = (c.batch_input_shape ?? c.batch_shape) as unknown[];
      if (!Array.isArray(shape) || shape.length !== 4)
        throw new Unmappable(`input shape ${JSON.stringify(shape)} is not an image [h, w, c]`);
      return {
        type: 'input',
        params: { height: Number(shape[1]), width: Number(shape[2]), channels: Number(shape[3]) },
      };
    }
    case 'Conv2D': {
      const kernelSize = pair(c.kernel_size, 'kernel size', layer);
      const strides = pair(c.strides ?? 1, 'strides', layer);
      const dilation = pair(c.dilation_rate ?? 1, 'dilation', layer);
      let padding = windowPadding();
      // Stride-1 'same' with an odd kernel pads (k−1)/2 on every side: write it the book's way.
      const extent = (kernelSize - 1) * dilation + 1;
      if (padding === 'same' && strides === 1 && extent % 2 === 1) padding = (extent - 1) / 2;
      return {
        type: 'conv2d',
        params: {
          filters: Number(c.filters),
          kernelSize,
          strides,
          padding,
          dilation,
          activation: activationOf(c.activation),
          useBias: c.use_bias !== false,
        },
      };
    }
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      const poolSize = pair(c.pool_size ?? 2, 'pool size', layer);
      return {
        type: layer.className.startsWith('Max') ? 'maxPool2d' : 'avgPool2d',
        params: {
          poolSize,
          strides: pair(c.strides ?? poolSize, 'strides', layer),
          padding: windowPadding(),
        },
      };
    }
    case 'GlobalAveragePooling2D':
      return c.keepdims === true
        ? { type: 'globalAvgPool2d', params: {} }
        : { type: 'globalAvgPool2d', params: {}, then: [{ type: 'flatten', params: {}, suffix: 'flatten' }] };
    case 'BatchNormalization':
      return {
        type: 'batchNorm',
        params: { momentum: Number(c.momentum ?? 0.99), epsilon: Number(c.epsilon ?? 1e-3) },
      };
    case 'Activation': {
      const fn = activationOf(c.activation);
      return { type: 'activation', params: { fn: fn as ActivationName, alpha: fn === 'elu' ? 1 : 0 } };
    }
    case 'ReLU':
      if (c.max_value != null || Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0)
        throw new Unmappable('a ReLU with max value, slope or threshold');
      return { type: 'activation', params: { fn: 'relu', alpha: 0 } };
    case 'LeakyReLU':
      return {
        type: 'activation',
        params: { fn: 'leakyRelu', alpha: Number(c.alpha ?? c.negative_slope ?? 0.3) },
      };
    case 'ELU':
      return { type: 'activation', params: { fn: 'elu', alpha: Number(c.alpha ?? 1) } };
    case 'Softmax':
      return { type: 'activation', params: { fn: 'softmax', alpha: 0 } };
    case 'Dense':
      return {
        type: 'dense',
        params: {
          units: Number(c.units),
          activation: activationOf(c.activation),
          useBias: c.use_bias !== false,
        },
      };
    case 'Dropout':
      return { type: 'dropout', params: { rate: Number(c.rate) } };
    case 'Flatten':
      return { type: 'flatten', params: {} };
    case 'Concatenate': {
      const axis = Number(c.axis ?? -1);
      if (axis !== -1 && axis !== 3)
        throw new Unmappable(`concatenation on axis ${axis} (CNN Studio concatenates channels)`);
      return { type: 'concat', params: {} };
    }
    case 'Add':
      return { type: 'add', params: {} };
    case 'Resizing':
    case 'BilinearResize':
      if (layer.className === 'Resizing' && String(c.interpolation ?? 'bilinear') !== 'bilinear')
        throw new Unmappable(`interpolation "${String(c.interpolation)}"`);
      return { type: 'resize', params: { height: Number(c.height), width: Number(c.width) } };
    default:
      throw new Unmappable(`no CNN Studio node for ${layer.className}`);
  }
}

const PAD_LAYERS = new Set(['ZeroPadding2D', 'NegInfPadding2D']);
const FOLDS_ZERO_PAD = new Set(['Conv2D', 'AveragePooling2D', 'AvgPool2D']);
const FOLDS_NEG_INF_PAD = new Set(['MaxPooling2D', 'MaxPool2D']);

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
    if (!before || !PAD_LAYERS.has(before.className) || consumers.get(before.name) !== 1) continue;
    const folds = before.className === 'ZeroPadding2D' ? FOLDS_ZERO_PAD : FOLDS_NEG_INF_PAD;
    const pixels = paddingPixels(before);
    if (!folds.has(layer.className) || pixels === null || String(layer.config.padding ?? 'valid') !== 'valid')
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
    const isLinear =
      layer.className === 'Activation' && String(layer.config.activation ?? 'linear') === 'linear';
    if (skipped.has(layer.name) || isLinear) {
      if (sources[0]) outputOf.set(layer.name, sources[0]);
      continue;
    }
    let mapped: Mapped;
    try {
      mapped = mapLayer(layer, foldedPad.get(layer.name) ?? null);
    } catch (error) {
      if (!(error instanceof Unmappable)) throw error;
      unmapped.push(`${layer.name} (${layer.className}): ${error.message}`);
      // Wire through a single-input layer so what follows stays connected.
      if (sources.length === 1) outputOf.set(layer.name, sources[0]);
      continue;
    }
    const id = newId(layer.name);
    nodes.push({
      id,
      type: mapped.type,
      params: { ...defaultParams(mapped.type), ...mapped.params },
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
