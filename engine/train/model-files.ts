/**
 * Reading and writing a model's weights as TensorFlow.js files: `model.json` (topology and
 * weights manifest, the standard tfjs layers format the exporter reads) and `weights.bin`.
 * Weights are restored by position into a model rebuilt from the same graph, so custom
 * layer classes never need deserializing and uniquified variable names do not matter.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OwnedDirRules } from './atomic-fs';
import type { Tf, tfjs } from './tf-types';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** How `replaceDirAtomic` may treat a folder of model files: only these two are ever replaced. */
export const MODEL_DIR_RULES: OwnedDirRules = { what: 'the model folder', files: [MODEL_FILE, WEIGHTS_FILE] };

/** Writes `model.json` and `weights.bin` into `dir` (which must exist). */
export async function writeModelFiles(tf: Tf, model: tfjs.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightSpecs = artifacts.weightSpecs ?? [];
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }],
      };
      await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(joinBuffers(artifacts.weightData)));
      await writeFile(join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads the weights in `dir` into `model`, which must have been built from the same graph. */
export async function readModelWeights(tf: Tf, model: tfjs.LayersModel, dir: string): Promise<void> {
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as {
    weightsManifest: Array<{ weights: tfjs.io.WeightsManifestEntry[] }>;
  };
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const data = await readFile(join(dir, WEIGHTS_FILE));
  const tensors = decodeInOrder(tf, toArrayBuffer(data), specs);
  if (tensors.length !== model.weights.length) {
    tf.dispose(tensors);
    throw new Error(
      `the saved weights in ${dir} do not fit this model: ${tensors.length} weight tensors saved, the model has ${model.weights.length}`,
    );
  }
  model.weights.forEach((weight, i) => {
    if (weight.shape.join('x') !== tensors[i].shape.join('x')) {
      tf.dispose(tensors);
      throw new Error(
        `the saved weights in ${dir} do not fit this model: weight ${i} (${weight.name}) is [${weight.shape}] but the file has [${tensors[i].shape}]`,
      );
    }
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Encodes named tensors (e.g. optimizer state) into a manifest and a buffer. */
export async function encodeTensors(
  tf: Tf,
  tensors: Array<{ name: string; tensor: tfjs.Tensor }>,
): Promise<{ specs: tfjs.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  return { specs, data: new Uint8Array(joinBuffers(data)) };
}

/** Decodes tensors by position (names may repeat), as written by `encodeTensors`. */
export function decodeInOrder(
  tf: Tf,
  buffer: ArrayBuffer,
  specs: readonly tfjs.io.WeightsManifestEntry[],
): tfjs.Tensor[] {
  const renamed = specs.map((spec, i) => ({ ...spec, name: `#${i}` }));
  const decoded = tf.io.decodeWeights(buffer, renamed);
  return renamed.map((spec) => decoded[spec.name]);
}

function joinBuffers(data: ArrayBuffer | ArrayBuffer[] | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const total = data.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of data) {
    joined.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return joined.buffer;
}

export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
