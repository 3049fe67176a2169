/**
 * A model's weights as the bytes of TensorFlow.js layers files (`model.json` and
 * `weights.bin`), and named tensors (optimizer state) as a manifest and a buffer: in memory,
 * no files, so it runs in the engine and in the window's training worker alike.
 * model-files.ts writes these bytes to disk; a window run sends them to the engine, which
 * writes the very same files.
 */
import type { Tf, tfjs } from './tf-types';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** `model.json`'s text and `weights.bin`'s bytes of a model. */
export interface ModelFileContents {
  modelJson: string;
  weights: Uint8Array;
}

/** The contents of a model's `model.json` and `weights.bin`. */
export async function modelFileContents(tf: Tf, model: tfjs.LayersModel): Promise<ModelFileContents> {
  let contents: ModelFileContents | null = null;
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
      contents = {
        modelJson: JSON.stringify(modelJson),
        weights: new Uint8Array(joinBuffers(artifacts.weightData)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!contents) throw new Error('the model was not saved (tfjs called no save handler)');
  return contents;
}

/**
 * Loads weights given as `model.json`'s text and `weights.bin`'s bytes into `model`, which
 * must have been built from the same graph; `where` names their source in errors.
 */
export function loadModelWeights(
  tf: Tf,
  model: tfjs.LayersModel,
  files: { modelJson: string; weights: ArrayBuffer },
  where: string,
): void {
  const parsed = JSON.parse(files.modelJson) as {
    weightsManifest: Array<{ weights: tfjs.io.WeightsManifestEntry[] }>;
  };
  const specs = parsed.weightsManifest.flatMap((group) => group.weights);
  const tensors = decodeInOrder(tf, files.weights, specs);
  try {
    if (tensors.length !== model.weights.length) {
      throw new Error(
        `the saved weights in ${where} do not fit this model: ${tensors.length} weight tensors saved, the model has ${model.weights.length}`,
      );
    }
    model.weights.forEach((weight, i) => {
      if (weight.shape.join('x') !== tensors[i].shape.join('x'))
        throw new Error(
          `the saved weights in ${where} do not fit this model: weight ${i} (${weight.name}) is [${weight.shape}] but the file has [${tensors[i].shape}]`,
        );
    });
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
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
