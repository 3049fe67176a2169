/**
 * Keras / TensorFlow.js layers models → an editable graph.
 *
 * Reads every layers format in use: Keras `model.to_json()` (Keras 2.0's Sequential with a
 * bare layer list, `Model` and `Functional` of Keras 2.x, Keras 3's `__keras_tensor__`
 * inbound nodes and dtype-policy objects), the `config` of a `.keras` / `.h5` file, and
 * TensorFlow.js `model.json` (tfjs-layers 0.x, whose `modelTopology` is the Sequential
 * itself, to the converter 4.x's `model_config` with camel-case `batchInputShape`).
 *
 * - Nested models (a Functional or Sequential used as a layer, as Keras 3 and Teachable
 *   Machine write them) are flattened; each is kept as a group in `meta.importGroups`.
 * - A model with several outputs is imported whole and marked (`meta.importOutputs`);
 *   `options.output` keeps the one head to train.
 * - `channels_first` models are converted to channels-last (the change is noted).
 * - An input whose height and width the file leaves unknown (`None`) takes
 *   `options.inputSize`, or the import stops with {@link InputSizeNeededError}.
 * - A padding layer in front of a `valid` convolution or pooling folds into that layer's
 *   numeric padding, as CNN Studio compiles it.
 * - Layer types with no node are listed in `unmapped` and wired through where they have
 *   one input, so the rest stays editable.
 *
 * A model.json that CNN Studio wrote carries its graph document, which is restored exactly.
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

/** The file could not be read as a layers model; the message names the layer and field. */
export class ModelImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportError';
  }
}

/** An input's height and width are unknown in the file: the person must give them. */
export class InputSizeNeededError extends ModelImportError {
  constructor(
    /** The input layer's name. */
    readonly input: string,
    /** The shape the file gives, `null` for unknown sizes, e.g. `[null, null, 3]`. */
    readonly shape: ReadonlyArray<number | null>,
  ) {
    super(
      `input "${input}" has no fixed height and width (${describeShape(shape)}): give the image size to import it with (e.g. 224, or 224x224)`,
    );
    this.name = 'InputSizeNeededError';
  }
}

export interface ImportOptions {
  /** The graph's name when the file names none. */
  name?: string;
  /** Height and width for an input whose size the file leaves unknown. */
  inputSize?: readonly [number, number];
  /** Of a model with several outputs, the output layer to keep (the head to train). */
  output?: string;
}

/** One tensor the file's weights manifest lists. */
export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

/** One group of the weights manifest: its shard files and the tensors they hold in order. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

/** A nested model kept as a group: its name, class and the graph nodes made from its layers. */
export interface ImportGroup {
  name: string;
  className: string;
  nodeIds: string[];
}

/** Key under the document's `meta` listing the nested models the graph was flattened from. */
export const IMPORT_GROUPS_META_KEY = 'importGroups';
/** Key under the document's `meta` where the editor keeps its visual groups (renderer/src/store/groups.ts). */
export const EDITOR_GROUPS_META_KEY = 'editorGroups';
/** Key under the document's `meta` marking a model with several outputs (its output nodes). */
export const IMPORT_OUTPUTS_META_KEY = 'importOutputs';
/** Key under the document's `meta` where notes on what the import converted are kept. */
export const IMPORT_NOTES_META_KEY = 'importRepairs';
/**
 * Key under the document's `meta` listing the Flatten nodes that flatten what Keras flattened
 * channels-first: a Dense after one takes its imported kernel rows reordered.
 */
export const CHANNELS_FIRST_FLATTEN_META_KEY = 'channelsFirstFlatten';

export interface ImportResult {
  document: GraphDocument;
  /** One line per layer that has no CNN Studio node, e.g. `lstm_1 (LSTM): no CNN Studio node for LSTM`. */
  unmapped: string[];
  /** The node made from each Keras layer (by layer name), for handing the file's weights to nodes. */
  nodeOfLayer: Map<string, string>;
  /** The tfjs weights manifest, or null (Keras JSON, an `.h5` config). */
  weightsManifest: ManifestGroup[] | null;
  /** Names of the output layers when the model has several (the heads to choose from), else []. */
  outputs: string[];
}

/** Key under `userDefinedMetadata` where CNN Studio stores the graph it exported. */
export const GRAPH_METADATA_KEY = 'cnnStudioGraph';

type Json = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describeShape(shape: ReadonlyArray<number | null>): string {
  return `[${shape.map((n) => (n === null ? 'None' : n)).join(', ')}]`;
}

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

/**
 * Python tuples and TensorShapes as some Keras versions serialize them
 * (`{"class_name": "__tuple__", "items": [3, 3]}`) become plain arrays, at any depth.
 */
function unwrapTuples(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapTuples);
  if (!isObject(value)) return value;
  if ((value.class_name === '__tuple__' || value.class_name === 'TensorShape') && Array.isArray(value.items))
    return value.items.map(unwrapTuples);
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) out[key] = unwrapTuples(item);
  return out;
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** A layer after flattening: inbound names refer to other flattened layers. */
interface FlatLayer extends KerasLayerConfig {
  inbound: string[];
  /** The name the file gives the layer (before any renaming to keep names unique). */
  fileName: string;
}

interface Flattened {
  outputs: string[];
}

/** Flattens (nested) models into one list of layers, recording each nested model as a group. */
class Flattener {
  readonly layers: FlatLayer[] = [];
  readonly groups: Array<{ name: string; className: string; layers: string[]; depth: number }> = [];
  readonly inputs: string[] = [];
  private readonly taken = new Set<string>();
  /** The nested models being flattened, innermost last. */
  private readonly openGroups: Array<{ name: string; className: string; layers: string[] }> = [];

  /** The innermost nested model being flattened (its name prefixes clashing layer names). */
  private get group(): string | null {
    return this.openGroups.at(-1)?.name ?? null;
  }

  private add(layer: FlatLayer, group: string | null): string {
    let name = layer.name;
    // A nameless layer keeps no name here: the import check names it and says so.
    if (name !== '' && this.taken.has(name)) {
      const base = group ? `${group}_${name}` : name;
      name = base;
      for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    }
    this.taken.add(name);
    this.layers.push({ ...layer, name });
    for (const open of this.openGroups) open.layers.push(name);
    return name;
  }

  /** A model (top level, or nested with `bound` naming what feeds its inputs). */
  model(raw: Json, where: string, bound: string[] | null): Flattened {
    const className = String(raw.class_name ?? '');
    const config = raw.config;
    if (className === 'Sequential' || Array.isArray(config)) return this.sequential(raw, where, bound);
    if (!isObject(config) || !Array.isArray(config.layers))
      throw new ModelImportError(`${where}: the model has no layer list (config.layers of "${className}")`);
    return this.functional(raw, where, bound);
  }

  private nested(raw: Json, name: string, bound: string[] | null): Flattened {
    const group = {
      name,
      className: String(raw.class_name),
      layers: [] as string[],
      depth: this.openGroups.length,
    };
    this.groups.push(group);
    this.openGroups.push(group);
    try {
      return this.model(raw, `nested model "${name}"`, bound);
    } finally {
      this.openGroups.pop();
    }
  }

  private readLayer(
    raw: unknown,
    index: number,
    where: string,
  ): { name: string; className: string; config: Json } {
    if (!isObject(raw)) throw new ModelImportError(`${where}: layer ${index + 1} is not an object`);
    const className = raw.class_name;
    const config = raw.config ?? {};
    const name = (isObject(config) ? config.name : undefined) ?? raw.name;
    const label = typeof name === 'string' && name !== '' ? `"${name}"` : `${index + 1}`;
    if (typeof className !== 'string' || className === '')
      throw new ModelImportError(`${where}: layer ${label}: class_name is missing`);
    if (!isObject(config))
      throw new ModelImportError(`${where}: layer ${label} (${className}): config is not an object`);
    return { name: typeof name === 'string' && name !== '' ? name : '', className, config };
  }

  private sequential(raw: Json, where: string, bound: string[] | null): Flattened {
    const config = raw.config;
    const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(list)) throw new ModelImportError(`${where}: the Sequential model has no layer list`);
    const group = this.group;
    let previous: string | null = bound ? bound[0] : null;
    list.forEach((entry, index) => {
      const { name, className, config: layerConfig } = this.readLayer(entry, index, where);
      if (className === 'InputLayer') {
        if (previous !== null) return; // a nested model's input is what feeds it
        previous = this.add(
          { name: name || 'input', fileName: name, className, config: layerConfig, inbound: [] },
          group,
        );
        this.inputs.push(previous);
        return;
      }
      if (previous === null && !MODEL_CLASSES.has(className)) {
        // A Sequential without an InputLayer keeps its input shape on the first layer.
        const shape = inputShapeOf(layerConfig);
        if (shape === null)
          throw new ModelImportError(
            `${where}: the first layer "${name}" (${className}) has no input shape (batch_input_shape)`,
          );
        previous = this.add(
          {
            name: `${name || 'model'}_input`,
            fileName: '',
            className: 'InputLayer',
            config: { batch_input_shape: shape, data_format: layerConfig.data_format },
            inbound: [],
          },
          group,
        );
        this.inputs.push(previous);
      }
      if (MODEL_CLASSES.has(className)) {
        const inner = this.nested(
          entry as Json,
          name || `model_${index + 1}`,
          previous === null ? null : [previous],
        );
        if (inner.outputs.length !== 1)
          throw new ModelImportError(
            `${where}: nested model "${name}" has ${inner.outputs.length} outputs; a Sequential needs one`,
          );
        previous = inner.outputs[0];
        return;
      }
      previous = this.add(
        {
          name,
          fileName: name,
          className,
          config: layerConfig,
          inbound: [previous!],
        },
        group,
      );
    });
    if (previous === null) throw new ModelImportError(`${where}: the Sequential model has no layers`);
    return { outputs: [previous] };
  }

  private functional(raw: Json, where: string, bound: string[] | null): Flattened {
    const config = raw.config as Json;
    const list = config.layers as unknown[];
    const group = this.group;
    const inputNames = layerRefs(config.input_layers);
    /** What stands for each file layer's output: the flattened layer's name. */
    const alias = new Map<string, string>();
    if (bound) {
      if (bound.length !== inputNames.length)
        throw new ModelImportError(
          `${where}: fed ${bound.length} input(s) but has ${inputNames.length} (config.input_layers)`,
        );
      inputNames.forEach((input, i) => alias.set(input, bound[i]));
    }
    const known = new Set(
      list.map((entry, index) => this.readLayer(entry, index, where).name).filter((name) => name !== ''),
    );
    list.forEach((entry, index) => {
      const { name, className, config: layerConfig } = this.readLayer(entry, index, where);
      if (name === '')
        throw new ModelImportError(`${where}: layer ${index + 1} (${className}): name is missing`);
      if (className === 'InputLayer' && bound) return; // bound above
      const sources = inboundNames(entry as Json, name, where).map((source) => {
        if (!known.has(source))
          throw new ModelImportError(
            `${where}: layer "${name}": inbound_nodes names "${source}", which is not a layer of this model`,
          );
        const resolved = alias.get(source);
        if (resolved === undefined)
          throw new ModelImportError(
            `${where}: layer "${name}": inbound_nodes names "${source}", which comes after it in the layer list`,
          );
        return resolved;
      });
      if (MODEL_CLASSES.has(className)) {
        const inner = this.nested(entry as Json, name, sources.length > 0 ? sources : null);
        if (inner.outputs.length !== 1)
          throw new ModelImportError(
            `${where}: nested model "${name}" has ${inner.outputs.length} outputs; CNN Studio takes nested models with one`,
          );
        alias.set(name, inner.outputs[0]);
        return;
      }
      const flat = this.add(
        { name, fileName: name, className, config: layerConfig, inbound: sources },
        group,
      );
      if (className === 'InputLayer') this.inputs.push(flat);
      alias.set(name, flat);
    });
    const outputNames = layerRefs(config.output_layers);
    const outputs = outputNames.map((output) => {
      const resolved = alias.get(output);
      if (resolved === undefined)
        throw new ModelImportError(
          `${where}: output_layers names "${output}", which is not a layer of this model`,
        );
      return resolved;
    });
    if (outputs.length === 0) {
      // No output_layers: the layers nothing consumes.
      const consumed = new Set(this.layers.flatMap((layer) => layer.inbound));
      for (const name of alias.values())
        if (!consumed.has(name) && !outputs.includes(name)) outputs.push(name);
    }
    return { outputs };
  }
}

/** Layer names of `input_layers` / `output_layers`: `[["a", 0, 0], …]`, or Keras 3's flat `["a", 0, 0]`. */
function layerRefs(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) return [];
  if (typeof value[0] === 'string') return [value[0]];
  return value.map((entry) => (Array.isArray(entry) ? String(entry[0]) : String(entry)));
}

/** The inbound layer names of one functional-model layer (Keras 2 lists and Keras 3 `args`). */
function inboundNames(layer: Json, name: string, where: string): string[] {
  const nodes = layer.inbound_nodes;
  if (nodes === undefined || nodes === null) return [];
  if (!Array.isArray(nodes))
    throw new ModelImportError(`${where}: layer "${name}": inbound_nodes is not a list`);
  if (nodes.length === 0) return [];
  if (nodes.length > 1)
    throw new ModelImportError(
      `${where}: layer "${name}" is called ${nodes.length} times (a shared layer); CNN Studio layers are called once`,
    );
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
  throw new ModelImportError(`${where}: layer "${name}": inbound_nodes[0] is neither a list nor {args}`);
}

/** The batch input shape a layer config declares, in any of the spellings Keras and tfjs use. */
function inputShapeOf(config: Json): unknown[] | null {
  const batch = config.batch_input_shape ?? config.batch_shape ?? config.batchInputShape;
  if (Array.isArray(batch)) return batch;
  const shape = config.input_shape ?? config.inputShape;
  if (Array.isArray(shape)) return [null, ...shape];
  return null;
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
function paddingPixels(layer: FlatLayer): number | null {
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
 * Sets each input layer's `batch_input_shape` to a channels-last image shape with known
 * sizes: converted from channels-first, unknown sizes from `inputSize`.
 *
 * @throws InputSizeNeededError for unknown sizes and no `inputSize`.
 */
function settleInputShape(
  layer: FlatLayer,
  channelsFirst: boolean,
  options: ImportOptions,
  notes: string[],
): void {
  const shape = inputShapeOf(layer.config);
  if (shape === null)
    throw new ModelImportError(`input "${layer.name}": batch_input_shape (or batch_shape) is missing`);
  if (shape.length !== 4) return; // not an image: the input node says so
  const dims = shape.slice(1).map((n) => (n === null || n === undefined ? null : Number(n)));
  if (dims.some((n) => n !== null && (!Number.isInteger(n) || n < 1)))
    throw new ModelImportError(
      `input "${layer.name}": batch_input_shape ${JSON.stringify(shape)} is not a list of sizes`,
    );
  const c = channelsFirst ? dims[0] : dims[2];
  let [h, w] = channelsFirst ? [dims[1], dims[2]] : [dims[0], dims[1]];
  if (channelsFirst)
    notes.push(
      `input ${layer.name}: channels_first ${describeShape(dims)} converted to channels-last ${describeShape([h, w, c])}`,
    );
  if (c === null)
    throw new ModelImportError(
      `input "${layer.name}": the number of channels is unknown (${describeShape(dims)})`,
    );
  if (h === null || w === null) {
    if (!options.inputSize) throw new InputSizeNeededError(layer.name, [h, w, c]);
    [h, w] = [h ?? options.inputSize[0], w ?? options.inputSize[1]];
    notes.push(`input ${layer.name}: unknown image size set to ${h}×${w}`);
  }
  layer.config = { ...layer.config, batch_input_shape: [null, h, w, c] };
}

/** Converts a channels-first layer's config to channels-last (the axis of BatchNormalization, Concatenate). */
function toChannelsLast(layer: FlatLayer): void {
  const config = { ...layer.config };
  if (config.data_format === 'channels_first') config.data_format = 'channels_last';
  if ((layer.className === 'BatchNormalization' || layer.className === 'Concatenate') && config.axis === 1)
    config.axis = -1;
  layer.config = config;
}

/** Finds the topology (the model config) inside a model.json, Keras JSON or `.keras` config. */
function modelConfigOf(json: Json): Json {
  const topology = isObject(json.modelTopology) ? json.modelTopology : json;
  const modelConfig = isObject(topology.model_config) ? topology.model_config : topology;
  if (!('class_name' in modelConfig))
    throw new ModelImportError(
      'not a layers model: no modelTopology / class_name (graph models from the TF converter are not editable layer graphs)',
    );
  return modelConfig;
}

/**
 * The model config (`class_name`, `config.layers`) of a model.json, Keras JSON or `.keras`
 * config, given as text or parsed.
 *
 * @throws ModelImportError when it is not JSON or holds no layers model.
 */
export function kerasModelConfig(input: string | unknown): Record<string, unknown> {
  return modelConfigOf(parseJson(input));
}

/** The weights manifest of a tfjs model.json, checked; null when the file has none. */
function readManifest(json: Json): ManifestGroup[] | null {
  const manifest = json.weightsManifest;
  if (manifest === undefined || manifest === null) return null;
  if (!Array.isArray(manifest)) throw new ModelImportError('weightsManifest is not a list');
  return manifest.map((group, g) => {
    if (!isObject(group) || !Array.isArray(group.weights))
      throw new ModelImportError(`weightsManifest[${g}]: weights is missing`);
    const paths = Array.isArray(group.paths) ? group.paths.map(String) : [];
    const weights = group.weights.map((weight, i): ManifestWeight => {
      const where = `weightsManifest[${g}].weights[${i}]`;
      if (!isObject(weight) || typeof weight.name !== 'string')
        throw new ModelImportError(`${where}: name is missing`);
      if (!Array.isArray(weight.shape) || !weight.shape.every((n) => Number.isInteger(n) && n >= 0))
        throw new ModelImportError(`${where} (${weight.name}): shape is not a list of sizes`);
      return {
        name: weight.name,
        shape: weight.shape as number[],
        ...(typeof weight.dtype === 'string' ? { dtype: weight.dtype } : {}),
        ...(weight.quantization !== undefined ? { quantization: weight.quantization } : {}),
      };
    });
    return { paths, weights };
  });
}

/** The graph nodes that lead to `output` (its ancestors and itself). */
function ancestorsOf(output: string, layers: readonly FlatLayer[]): Set<string> {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const keep = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    stack.push(...(byName.get(name)?.inbound ?? []));
  }
  return keep;
}

/**
 * Imports a layers model: a tfjs `model.json`, Keras `model.to_json()`, or the model config
 * of a `.keras` / `.h5` file.
 *
 * @throws ModelImportError naming the layer and field when the text is not a layers model
 *   or is malformed; InputSizeNeededError when an input's size is unknown and not given.
 */
export function importLayersModel(
  input: string | unknown,
  options: ImportOptions | string = {},
): ImportResult {
  const opts: ImportOptions = typeof options === 'string' ? { name: options } : options;
  const json = parseJson(input);
  const metadata = isObject(json.userDefinedMetadata)
    ? json.userDefinedMetadata[GRAPH_METADATA_KEY]
    : undefined;
  const weightsManifest = readManifest(json);
  if (metadata !== undefined)
    return {
      document: loadGraphDocument(metadata),
      unmapped: [],
      nodeOfLayer: new Map(),
      weightsManifest,
      outputs: [],
    };

  const modelConfig = unwrapTuples(modelConfigOf(json)) as Json;
  const flattener = new Flattener();
  let { outputs } = flattener.model(modelConfig, 'the model', null);
  let layers = flattener.layers;
  const notes: string[] = [];

  if (outputs.length > 1 && opts.output !== undefined) {
    const chosen = flattener.layers.find(
      (layer) => layer.fileName === opts.output || layer.name === opts.output,
    );
    if (!chosen || !outputs.includes(chosen.name))
      throw new ModelImportError(
        `the model has no output "${opts.output}"; its outputs are ${outputs.map((o) => `"${o}"`).join(', ')}`,
      );
    const keep = ancestorsOf(chosen.name, layers);
    notes.push(
      `kept output ${chosen.name} (the head to train); left out ${outputs.filter((o) => o !== chosen.name).join(', ')}`,
    );
    layers = layers.filter((layer) => keep.has(layer.name));
    outputs = [chosen.name];
  }

  const channelsFirst = layers.some((layer) => layer.config.data_format === 'channels_first');
  for (const layer of layers) {
    if (layer.className === 'InputLayer') settleInputShape(layer, channelsFirst, opts, notes);
    else if (channelsFirst) toChannelsLast(layer);
  }
  if (channelsFirst)
    notes.push(
      'channels_first: the model was converted to channels-last (CNN Studio computes in height × width × channels)',
    );

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
  const nodeOfLayer = new Map<string, string>();
  const nodesOfLayer = new Map<string, string[]>();
  const channelsFirstFlatten: string[] = [];
  /** The node id whose output stands for a layer's output. */
  const outputOf = new Map<string, string>();
  const usedIds = new Set<string>();
  const newId = (base: string): string => {
    const clean = base.replace(/[^A-Za-z0-9_-]/g, '_');
    let id = clean;
    for (let i = 2; usedIds.has(id); i++) id = `${clean}_${i}`;
    usedIds.add(id);
    return id;
  };
  const connect = (source: string, target: string): void => {
    edges.push({ id: `e${edges.length + 1}`, source, sourcePort: 'out', target, targetPort: 'in' });
  };
  const addNode = (id: string, type: string, params: GraphNode['params'], layer: FlatLayer): void => {
    nodes.push({ id, type, params: { ...defaultParams(type), ...params }, position: { x: 0, y: 0 } });
    nodesOfLayer.set(layer.name, [...(nodesOfLayer.get(layer.name) ?? []), id]);
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
    addNode(id, target.type, mapped.params, layer);
    nodeOfLayer.set(layer.fileName || layer.name, id);
    if (layer.fileName && layer.fileName !== layer.name) nodeOfLayer.set(layer.name, id);
    if (channelsFirst && layer.className === 'Flatten') channelsFirstFlatten.push(id);
    for (const source of sources) connect(source, id);
    let last = id;
    for (const extra of mapped.then ?? []) {
      const extraId = newId(`${layer.name}_${extra.suffix}`);
      addNode(extraId, extra.type, extra.params, layer);
      connect(last, extraId);
      last = extraId;
    }
    outputOf.set(layer.name, last);
  }
  if (!nodes.some((node) => node.type === 'input'))
    throw new ModelImportError('the model has no image input layer CNN Studio can use');

  // A plain top-to-bottom column in topological (file) order; the editor's tidy layout does better.
  nodes.forEach((node, index) => (node.position = { x: 0, y: index * 100 }));
  const modelName = String(
    (isObject(modelConfig.config) && modelConfig.config.name) || opts.name || 'Imported model',
  );
  const meta: Record<string, unknown> = { importedFrom: 'layers-model' };
  const withNodes = flattener.groups.map((group) => ({
    ...group,
    nodeIds: group.layers.flatMap((name) => nodesOfLayer.get(name) ?? []),
  }));
  const groups: ImportGroup[] = withNodes
    .filter((group) => group.nodeIds.length > 0)
    .map(({ name, className, nodeIds }) => ({ name, className, nodeIds }));
  if (groups.length > 0) meta[IMPORT_GROUPS_META_KEY] = groups;
  // The outermost nested models also become the editor's visual groups (renderer/src/store/
  // groups.ts, `meta.editorGroups`: disjoint frames around layers, collapsible).
  const editorGroups = withNodes
    .map((group, i) => ({
      id: `imported-${i + 1}`,
      label: group.name,
      nodeIds: group.nodeIds,
      depth: group.depth,
    }))
    .filter((group) => group.depth === 0 && group.nodeIds.length >= 2)
    .map(({ id, label, nodeIds }) => ({ id, label, nodeIds }));
  if (editorGroups.length > 0) meta[EDITOR_GROUPS_META_KEY] = editorGroups;
  const outputNodes = outputs
    .map((output) => outputOf.get(output))
    .filter((id): id is string => id !== undefined);
  if (outputs.length > 1) meta[IMPORT_OUTPUTS_META_KEY] = { outputs: outputNodes, chosen: null };
  if (channelsFirstFlatten.length > 0) meta[CHANNELS_FIRST_FLATTEN_META_KEY] = channelsFirstFlatten;
  if (notes.length > 0) meta[IMPORT_NOTES_META_KEY] = notes;
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
      meta,
    },
    unmapped,
    nodeOfLayer,
    weightsManifest,
    outputs: outputs.length > 1 ? outputs : [],
  };
}
