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
 * - Keras 3's `.weights.h5`: `layers/<layer>/vars/<i>` (nested models under
 *   `layers/<model>/layers/…`), no config.
 *
 * Kernels are stored in Keras's layout, which is tfjs's: no reordering is needed.
 * Runs anywhere (jsfive is pure JavaScript).
 */
import { File as Hdf5File, type Dataset, type Group } from 'jsfive';
import type { ImportedTensor } from './imported-weights';
import { ModelImportError } from './import-keras';

export interface KerasH5 {
  /** The `model_config` JSON (what `model.to_json()` gives), or null for a weights-only file. */
  modelConfig: unknown | null;
  /** Every weight tensor, named `<layer>/<weight>` so `layerOfWeight` finds the layer. */
  tensors: ImportedTensor[];
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

/** Keras 3 `.weights.h5`: `layers/<layer>/vars/<i>`, nested models' layers inside theirs. */
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
      for (const index of indices)
        tensors.push(tensorOf(file, `${layerPath}/vars/${index}`, `${layer}/${index}`, `layer "${layer}"`));
    }
    if (layerGroup.keys.includes('layers')) tensors.push(...kerasThreeTensors(file, `${layerPath}/layers`));
  }
  return tensors;
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
  const tensors = file.keys.includes('model_weights')
    ? kerasTwoTensors(file, 'model_weights')
    : file.attrs.layer_names !== undefined
      ? kerasTwoTensors(file, '')
      : kerasThreeTensors(file, 'layers');
  return { modelConfig, tensors };
}
