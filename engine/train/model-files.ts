/**
 * Reading and writing a model's weights as TensorFlow.js files: `model.json` (topology and
 * weights manifest, the standard tfjs layers format the exporter reads) and `weights.bin`.
 * Weights are restored by position into a model rebuilt from the same graph, so custom
 * layer classes never need deserializing and uniquified variable names do not matter.
 * The bytes themselves are made in model-bytes.ts (runs anywhere); this adds the files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OwnedDirRules } from './atomic-fs';
import {
  loadModelWeights,
  MODEL_FILE,
  modelFileContents,
  toArrayBuffer,
  WEIGHTS_FILE,
  type ModelFileContents,
} from './model-bytes';
import type { Tf, tfjs } from './tf-types';

export { decodeInOrder, encodeTensors, MODEL_FILE, toArrayBuffer, WEIGHTS_FILE } from './model-bytes';

/** How `replaceDirAtomic` may treat a folder of model files: only these two are ever replaced. */
export const MODEL_DIR_RULES: OwnedDirRules = { what: 'the model folder', files: [MODEL_FILE, WEIGHTS_FILE] };

/** Writes `model.json` and `weights.bin` into `dir` (which must exist). */
export async function writeModelFiles(tf: Tf, model: tfjs.LayersModel, dir: string): Promise<void> {
  await writeModelFileContents(dir, await modelFileContents(tf, model));
}

/** Writes model files made elsewhere (a window run's) into `dir`; weights.bin first, as `writeModelFiles`. */
export async function writeModelFileContents(dir: string, contents: ModelFileContents): Promise<void> {
  await writeFile(join(dir, WEIGHTS_FILE), contents.weights);
  await writeFile(join(dir, MODEL_FILE), contents.modelJson);
}

/** Loads the weights in `dir` into `model`, which must have been built from the same graph. */
export async function readModelWeights(tf: Tf, model: tfjs.LayersModel, dir: string): Promise<void> {
  const modelJson = await readFile(join(dir, MODEL_FILE), 'utf8');
  const weights = toArrayBuffer(await readFile(join(dir, WEIGHTS_FILE)));
  loadModelWeights(tf, model, { modelJson, weights }, dir);
}
