/**
 * Reads a Keras `.keras` archive — what Keras 3's `model.save('m.keras')` writes (the default
 * format since Keras 3; tf.keras 2.13–2.15 wrote it too): a zip with `config.json` (the model's
 * serialized config, the same dict as `model.to_json()`), `metadata.json` (the Keras version)
 * and `model.weights.h5` (keras/src/saving/saving_lib.py). The weights come out named after
 * their layers, ready for the imported-weights carrier; the optimizer's state is left out.
 * Runs anywhere (fflate and jsfive are pure JavaScript).
 */
import { strFromU8, unzipSync } from 'fflate';
import type { ImportedTensor } from './imported-weights';
import { ModelImportError } from './import-keras';
import { nameKerasThreeWeights, readKerasH5 } from './keras-h5';

export interface KerasArchive {
  /** `config.json`: the model's config, for the topology importer. */
  modelConfig: unknown;
  /** The layers' weights, named `<layer>/<i>` (a nested model's `<model>/<layer>/<i>`); empty if the archive has none. */
  tensors: ImportedTensor[];
  /** The Keras version `metadata.json` names, or null. */
  kerasVersion: string | null;
}

const CONFIG_FILE = 'config.json';
const METADATA_FILE = 'metadata.json';
const WEIGHTS_FILE = 'model.weights.h5';
const NPZ_WEIGHTS_FILE = 'model.weights.npz';

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelImportError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads a `.keras` archive's model config and weights.
 *
 * @throws ModelImportError when the bytes are not a zip, `config.json` is missing or not JSON,
 *   or the weights are in a form not read here (`.npz`).
 */
export function readKerasArchive(bytes: Uint8Array, fileName = 'model.keras'): KerasArchive {
  let entries: Record<string, Uint8Array>;
  try {
    // Only the three files read here are inflated (assets, if any, are not).
    entries = unzipSync(bytes, {
      filter: (file) => [CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE, NPZ_WEIGHTS_FILE].includes(file.name),
    });
  } catch (error) {
    throw new ModelImportError(
      `${fileName} is not a .keras archive (a zip file): ${(error as Error).message}`,
    );
  }
  const config = entries[CONFIG_FILE];
  if (!config)
    throw new ModelImportError(
      `${fileName} has no ${CONFIG_FILE}: not a model saved with model.save('….keras')`,
    );
  const modelConfig = parse(strFromU8(config), `${fileName}: ${CONFIG_FILE}`);
  const metadata = entries[METADATA_FILE]
    ? parse(strFromU8(entries[METADATA_FILE]), `${fileName}: ${METADATA_FILE}`)
    : null;
  const version =
    typeof metadata === 'object' && metadata !== null && 'keras_version' in metadata
      ? String((metadata as { keras_version: unknown }).keras_version)
      : null;
  const weights = entries[WEIGHTS_FILE];
  if (!weights && entries[NPZ_WEIGHTS_FILE])
    throw new ModelImportError(
      `${fileName} keeps its weights as NumPy .npz, which is not read here: save it again with model.save('model.keras') (h5 weights, Keras's default)`,
    );
  if (!weights) return { modelConfig, tensors: [], kerasVersion: version };
  const buffer = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const read = readKerasH5(buffer, `${fileName}: ${WEIGHTS_FILE}`);
  return { modelConfig, tensors: nameKerasThreeWeights(read.tensors, modelConfig), kerasVersion: version };
}
