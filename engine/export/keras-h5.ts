/**
 * Reads a Keras `.h5` file: the model config (for the topology importer) and the weights
 * as {@link ImportedTensor}s for the imported-weights carrier.
 *
 * Layouts read:
 * - Keras 2 / `tf.keras` `model.save('m.h5')` (and Keras 3's legacy `.h5`): root attribute
 *   `model_config`, weights under `model_weights/<layer>/…`, each layer group listing its
 *   tensors in order in the `weight_names` attribute (`conv1/kernel:0`); a nested model is
 *   one layer group whose names carry the inner layer (`Conv1/kernel:0`).
 * - `model.save_weights('w.h5')` of Keras 2: the same layer groups at the root, no config.
 * - Keras 3's `.weights.h5` (also inside a `.keras` archive, engine/export/keras-archive.ts):
 *   `layers/<key>/vars/<i>`, nested models under `layers/<key>/layers/…`, no config. `<key>` is
 *   the layer's class name in snake case numbered per class in `model.layers` order
 *   (keras/src/saving/saving_lib.py), not its name: {@link nameKerasThreeWeights} maps the
 *   keys to layer names with the model's config. (tf.keras 2.13–2.15's `.keras` writes the same
 *   under `_layer_checkpoint_dependencies/…`.)
 *
 * Kernels are stored in Keras's layout, which is tfjs's: no reordering is needed.
 * Runs anywhere (jsfive is pure JavaScript).
 */
import { File as Hdf5File, type Dataset, type Group } from 'jsfive';
import type { ImportedTensor } from './imported-weights';
import { isObject, ModelImportError } from './import-keras';

export interface KerasH5 {
  /** The `model_config` JSON (what `model.to_json()` gives), or null for a weights-only file. */
  modelConfig: unknown | null;
  /**
   * Every weight tensor: Keras 2 layouts named `<layer>/<weight>` so the importer finds the
   * layer; Keras 3's named by their path (`layers/conv2d_1/vars/0`) until
   * {@link nameKerasThreeWeights} names them after their layers.
   */
  tensors: ImportedTensor[];
  /** Which layout the file has: Keras 3's needs the model's config to name its weights. */
  layout: 'keras2' | 'keras3';
}

/** HDF5's fixed-length strings come back padded with NULs; byte strings as text. */
function text(value: unknown): string {
  const raw = value instanceof Uint8Array ? new TextDecoder().decode(value) : String(value);
  return raw.replace(/\0+$/, '');
}

function textList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(text);
}

const isDataset = (node: unknown): node is Dataset =>
  typeof node === 'object' && node !== null && 'shape' in node && 'value' in node;

function tensorOf(file: Group, path: string, name: string, where: string): ImportedTensor {
  const node = file.get(path);
  if (!isDataset(node)) throw new ModelImportError(`${where}: the file has no tensor "${path}"`);
  const values = Float32Array.from(node.value as ArrayLike<number>, Number);
  const shape = [...node.shape];
  const size = shape.reduce((product, n) => product * n, 1);
  if (values.length !== size)
    throw new ModelImportError(`${where}: tensor "${path}" has ${values.length} values for shape [${shape}]`);
  return { name, shape, values };
}

/** Keras 2 layer groups (`layer_names` → `weight_names`) under `root`. */
function kerasTwoTensors(file: Group, root: string): ImportedTensor[] {
  const group = root === '' ? file : file.get(root);
  if (!group || isDataset(group)) return [];
  const tensors: ImportedTensor[] = [];
  for (const layer of textList(group.attrs.layer_names)) {
    const layerPath = root === '' ? layer : `${root}/${layer}`;
    const layerGroup = file.get(layerPath);
    if (!layerGroup || isDataset(layerGroup))
      throw new ModelImportError(`layer "${layer}": the file lists it but has no group "${layerPath}"`);
    for (const weight of textList(layerGroup.attrs.weight_names)) {
      const name = weight.includes('/') ? `${layer}/${weight}` : `${layer}/${layer}/${weight}`;
      tensors.push(tensorOf(file, `${layerPath}/${weight}`, name, `layer "${layer}"`));
    }
  }
  return tensors;
}

/** Keras 3 `.weights.h5`: every `<path>/vars/<i>` under `path`, nested models' layers inside theirs. */
function kerasThreeTensors(file: Group, path: string): ImportedTensor[] {
  const group = file.get(path);
  if (!group || isDataset(group)) return [];
  const tensors: ImportedTensor[] = [];
  for (const layer of group.keys) {
    const layerPath = `${path}/${layer}`;
    const layerGroup = file.get(layerPath);
    if (!layerGroup || isDataset(layerGroup)) continue;
    const vars = file.get(`${layerPath}/vars`);
    if (vars && !isDataset(vars)) {
      const indices = vars.keys.map(Number).sort((a, b) => a - b);
      for (const index of indices) {
        const varPath = `${layerPath}/vars/${index}`;
        tensors.push(tensorOf(file, varPath, varPath, `layer "${layer}"`));
      }
    }
    if (layerGroup.keys.includes('layers')) tensors.push(...kerasThreeTensors(file, `${layerPath}/layers`));
  }
  return tensors;
}

/** keras.src.utils.naming.to_snake_case: `Conv2D` → `conv2d`, `BatchNormalization` → `batch_normalization`. */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Where Keras 3 stores each layer's variables, by layer: `layers/conv2d_1` → `stem` (a nested
 * model's layer: `layers/functional/layers/conv2d` → `trunk/trunk_conv`, the nested model's name
 * first, as Keras 2 names a nested model's weights). `modelConfig` is the model's config
 * (`class_name` + `config.layers`), whose layer list is `model.layers` in order.
 */
export function kerasThreeLayerPaths(modelConfig: unknown, root = 'layers', owner = ''): Map<string, string> {
  const paths = new Map<string, string>();
  const config = isObject(modelConfig) && isObject(modelConfig.config) ? modelConfig.config : null;
  const layers = config && Array.isArray(config.layers) ? config.layers : [];
  const used = new Map<string, number>();
  for (const layer of layers) {
    if (!isObject(layer)) continue;
    const className = String(layer.class_name ?? '');
    const snake = kerasSnakeCase(className);
    const count = used.get(snake);
    used.set(snake, count === undefined ? 0 : count + 1);
    const key = count === undefined ? snake : `${snake}_${count + 1}`;
    const layerConfig = isObject(layer.config) ? layer.config : {};
    const name = String(layerConfig.name ?? layer.name ?? key);
    const path = `${root}/${key}`;
    paths.set(path, `${owner}${name}`);
    if (Array.isArray(layerConfig.layers))
      for (const [inner, innerName] of kerasThreeLayerPaths(layer, `${path}/layers`, `${owner}${name}/`))
        paths.set(inner, innerName);
  }
  return paths;
}

/**
 * Names Keras 3 weights (`layers/conv2d_1/vars/0`) after their layers (`stem/0`) with the
 * model's config; a tensor whose path the config does not explain keeps its path (the
 * importer then lists it as unused). tf.keras 2.13's `_layer_checkpoint_dependencies` root
 * is read as `layers`.
 */
export function nameKerasThreeWeights(
  tensors: readonly ImportedTensor[],
  modelConfig: unknown,
): ImportedTensor[] {
  const paths = kerasThreeLayerPaths(modelConfig);
  return tensors.map((tensor) => {
    const match = /^(.*)\/vars\/(\d+)$/.exec(
      tensor.name.replace(/(^|\/)_layer_checkpoint_dependencies\//g, '$1layers/'),
    );
    const layer = match ? paths.get(match[1]) : undefined;
    return layer === undefined ? tensor : { ...tensor, name: `${layer}/${match![2]}` };
  });
}

/**
 * Reads a Keras `.h5` file's model config and weights.
 *
 * @throws ModelImportError when the bytes are not an HDF5 file or a listed tensor is missing.
 */
export function readKerasH5(bytes: ArrayBuffer, fileName = 'model.h5'): KerasH5 {
  let file: Hdf5File;
  try {
    file = new Hdf5File(bytes, fileName);
  } catch (error) {
    throw new ModelImportError(`${fileName} is not an HDF5 file (${(error as Error).message})`);
  }
  const config = file.attrs.model_config;
  let modelConfig: unknown | null = null;
  if (config !== undefined) {
    try {
      modelConfig = JSON.parse(text(config));
    } catch (error) {
      throw new ModelImportError(`${fileName}: model_config is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (file.keys.includes('model_weights'))
    return { modelConfig, tensors: kerasTwoTensors(file, 'model_weights'), layout: 'keras2' };
  if (file.attrs.layer_names !== undefined)
    return { modelConfig, tensors: kerasTwoTensors(file, ''), layout: 'keras2' };
  const root = file.keys.includes('layers') ? 'layers' : '_layer_checkpoint_dependencies';
  return { modelConfig, tensors: kerasThreeTensors(file, root), layout: 'keras3' };
}
