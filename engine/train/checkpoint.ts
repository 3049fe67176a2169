/**
 * Checkpoints: after each epoch, everything needed to continue at the next one — model
 * weights (tfjs files), optimizer state (step count, moments), the run's graph and settings,
 * and the metrics so far — written atomically into one directory.
 *
 * ```
 * <dir>/model.json, weights.bin     model weights (standard tfjs layers format)
 * <dir>/optimizer.bin               optimizer state, described in state.json
 * <dir>/state.json                  CheckpointState
 * ```
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphDocument, TrainingSettings } from '../graph/document';
import type { EpochMetrics } from '../protocol/api';
import { readableDir, replaceDirAtomic } from './atomic-fs';
import {
  decodeInOrder,
  encodeTensors,
  readModelWeights,
  toArrayBuffer,
  writeModelFiles,
} from './model-files';
import type { TrainingOptimizer } from './optimizer';
import type { Tf, tfjs } from './tf-types';

const STATE_FILE = 'state.json';
const OPTIMIZER_FILE = 'optimizer.bin';

/** What a checkpoint says about the run (state.json). */
export interface CheckpointState {
  version: 1;
  /** Completed epochs; training resumes at this 0-based epoch. */
  epochsDone: number;
  history: EpochMetrics[];
  graph: GraphDocument;
  training: TrainingSettings;
  datasetId: string;
  limit: number | null;
  savedAt: string;
  optimizer: { name: string; specs: tfjs.io.WeightsManifestEntry[] };
}

export type CheckpointInfo = Omit<CheckpointState, 'version' | 'savedAt' | 'optimizer'>;

/** Writes a checkpoint into `dir`, replacing the previous one atomically. */
export async function writeCheckpoint(
  tf: Tf,
  dir: string,
  parts: { model: tfjs.LayersModel; optimizer: TrainingOptimizer; info: CheckpointInfo },
): Promise<void> {
  const optimizerState = await parts.optimizer.getState();
  try {
    const encoded = await encodeTensors(tf, optimizerState);
    const state: CheckpointState = {
      version: 1,
      ...parts.info,
      savedAt: new Date().toISOString(),
      optimizer: { name: parts.optimizer.name, specs: encoded.specs },
    };
    await replaceDirAtomic(dir, async (temporary) => {
      await writeModelFiles(tf, parts.model, temporary);
      await writeFile(join(temporary, OPTIMIZER_FILE), encoded.data);
      await writeFile(join(temporary, STATE_FILE), JSON.stringify(state));
    });
  } finally {
    tf.dispose(optimizerState.map((entry) => entry.tensor));
  }
}

/** Reads a checkpoint's state.json, or null when `dir` holds none. */
export async function readCheckpointState(dir: string): Promise<CheckpointState | null> {
  const found = await readableDir(dir);
  if (!found) return null;
  try {
    return JSON.parse(await readFile(join(found, STATE_FILE), 'utf8')) as CheckpointState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`the checkpoint in ${dir} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Loads a checkpoint's weights into `model` (built from `state.graph`) and its optimizer
 * state into `optimizer` (created from `state.training`).
 */
export async function restoreCheckpoint(
  tf: Tf,
  dir: string,
  targets: { model: tfjs.LayersModel; optimizer: TrainingOptimizer },
): Promise<CheckpointState> {
  const found = await readableDir(dir);
  const state = await readCheckpointState(dir);
  if (!found || !state) throw new Error(`no checkpoint to resume from in ${dir}`);
  if (state.optimizer.name !== targets.optimizer.name) {
    throw new Error(
      `the checkpoint in ${dir} was made with the ${state.optimizer.name} optimizer, not ${targets.optimizer.name}: resume with the same optimizer`,
    );
  }
  await readModelWeights(tf, targets.model, found);
  const buffer = toArrayBuffer(await readFile(join(found, OPTIMIZER_FILE)));
  const tensors = decodeInOrder(tf, buffer, state.optimizer.specs);
  await targets.optimizer.setState(
    state.optimizer.specs.map((spec, i) => ({ name: spec.name, tensor: tensors[i] })),
  );
  return state;
}
