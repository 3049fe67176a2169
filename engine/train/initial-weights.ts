/**
 * Starting a run from saved weights (fine-tuning an imported model, transfer learning): the
 * weights of a model folder (model.json + weights.bin, e.g. an imported-weights run's) are
 * set on the new run's model by weight name — the compiled layer names follow node ids, so
 * every node the person kept gets its weights, and a node they changed or added (a new head
 * for their classes) starts fresh.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeInOrder, MODEL_FILE, toArrayBuffer, WEIGHTS_FILE } from './model-files';
import type { Tf, tfjs } from './tf-types';

export interface InitialWeights {
  /** Weights set from the folder. */
  loaded: number;
  /** Weights that start fresh: not in the folder, or of another shape there (`conv1_conv/kernel`). */
  fresh: string[];
}

/**
 * Sets `model`'s weights from the folder where names and shapes match.
 *
 * @throws Error naming the folder when none of its weights fit the model.
 */
export async function loadInitialWeights(
  tf: Tf,
  model: tfjs.LayersModel,
  dir: string,
): Promise<InitialWeights> {
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as {
    weightsManifest: Array<{ weights: tfjs.io.WeightsManifestEntry[] }>;
  };
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const tensors = decodeInOrder(tf, toArrayBuffer(await readFile(join(dir, WEIGHTS_FILE))), specs);
  try {
    const byName = new Map(specs.map((spec, i) => [spec.name, tensors[i]]));
    const fresh: string[] = [];
    let loaded = 0;
    for (const weight of model.weights) {
      const saved = byName.get(weight.originalName);
      if (saved && saved.shape.join('x') === weight.shape.join('x')) {
        weight.write(saved);
        loaded++;
      } else fresh.push(weight.originalName);
    }
    if (loaded === 0 && model.weights.length > 0)
      throw new Error(`none of the weights in ${dir} fit this graph (no layer kept its name and shape)`);
    return { loaded, fresh };
  } finally {
    tf.dispose(tensors);
  }
}
