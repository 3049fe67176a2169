/**
 * Checkpoints: after each epoch, everything needed to continue at the next one — model
 * weights (tfjs files), optimizer state (step count, moments), the run's graph and settings,
 * and the metrics so far — written atomically into one directory.
 *
 * ```
 * <dir>/state.json                  CheckpointState (format "cnn-studio-checkpoint", version 2)
 * <dir>/model.json, weights.bin     model weights (standard tfjs layers format)
 * <dir>/optimizer.bin               optimizer state, described in state.json
 * ```
 *
 * A folder is only written when it is new, empty or already one of our checkpoints (its
 * state.json carries our format tag); only these four files are ever replaced or removed.
 * Reading validates every file before anything is allocated: a damaged checkpoint gives a
 * `CheckpointError` naming the file, never a raw JavaScript error.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { analyzeGraph } from '../graph/analyze';
import { describeValue } from '../graph/describe';
import { DEFAULT_TRAINING, type GraphDocument, type TrainingSettings } from '../graph/document';
import { describeIssue } from '../graph/errors';
import { loadGraphDocument } from '../graph/load';
import { trainingSchema } from '../graph/schema';
import type { EpochMetrics } from '../protocol/api';
import { assertReplaceable, readableDir, replaceDirAtomic, type OwnedDirRules } from './atomic-fs';
import { modelFileContents, type ModelFileContents } from './model-bytes';
import {
  decodeInOrder,
  encodeTensors,
  MODEL_FILE,
  readModelWeights,
  toArrayBuffer,
  WEIGHTS_FILE,
  writeModelFileContents,
} from './model-files';
import type { TrainingOptimizer } from './optimizer';
import { describeSchemaIssues } from './schema-text';
import type { Tf, tfjs } from './tf-types';

const STATE_FILE = 'state.json';
const OPTIMIZER_FILE = 'optimizer.bin';
/** Every file a checkpoint folder holds: the only ones we ever replace or remove there. */
export const CHECKPOINT_FILES = [STATE_FILE, MODEL_FILE, WEIGHTS_FILE, OPTIMIZER_FILE] as const;

/** The tag in state.json that marks a folder as a CNN Studio checkpoint. */
export const CHECKPOINT_FORMAT = 'cnn-studio-checkpoint';
/** The state.json layout this version writes; older ones are upgraded on load. */
export const CHECKPOINT_VERSION = 2;
/** state.json and model.json hold settings, history and a manifest: far below this. */
const MAX_JSON_BYTES = 64 * 2 ** 20;

/** What a checkpoint says about the run (state.json). */
export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Completed epochs; training resumes at this 0-based epoch. */
  epochsDone: number;
  history: EpochMetrics[];
  graph: GraphDocument;
  training: TrainingSettings;
  datasetId: string;
  limit: number | null;
  savedAt: string;
  optimizer: { name: TrainingOptimizer['name']; specs: TensorSpec[] };
}

/** One tensor of a binary file, as its manifest describes it (tfjs's `WeightsManifestEntry`, no quantization). */
export interface TensorSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

export type CheckpointInfo = Omit<CheckpointState, 'format' | 'version' | 'savedAt' | 'optimizer'>;

/** A checkpoint that cannot be used; the message names the folder and the file at fault. */
export class CheckpointError extends Error {
  constructor(
    message: string,
    /** The damaged file's name inside the checkpoint folder, when one is at fault. */
    readonly file: string | null = null,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** How `replaceDirAtomic` may treat a checkpoint folder. */
export const CHECKPOINT_DIR_RULES: OwnedDirRules = {
  what: 'the checkpoint folder',
  files: CHECKPOINT_FILES,
  isOurs: isOurCheckpoint,
};

/**
 * Throws `ForeignContentError` unless `dir` may receive checkpoints: absent, empty or one of
 * ours. Runs check this before training so a wrong folder is refused at once, not after an epoch.
 */
export async function assertCheckpointDir(dir: string): Promise<void> {
  await assertReplaceable(dir, CHECKPOINT_DIR_RULES);
}

/** Writes a checkpoint into `dir`, replacing the previous one atomically. */
export async function writeCheckpoint(
  tf: Tf,
  dir: string,
  parts: { model: tfjs.LayersModel; optimizer: TrainingOptimizer; info: CheckpointInfo },
): Promise<void> {
  const optimizerState = await parts.optimizer.getState();
  try {
    const encoded = await encodeTensors(tf, optimizerState);
    await writeCheckpointContents(dir, {
      info: parts.info,
      model: await modelFileContents(tf, parts.model),
      // encodeWeights only writes the tensors' own dtypes, which training keeps to these three.
      optimizer: { name: parts.optimizer.name, specs: encoded.specs as TensorSpec[], data: encoded.data },
    });
  } finally {
    tf.dispose(optimizerState.map((entry) => entry.tensor));
  }
}

/** A checkpoint's files as bytes: what `writeCheckpoint` makes, or a window run sends. */
export interface CheckpointContents {
  info: CheckpointInfo;
  model: ModelFileContents;
  optimizer: { name: TrainingOptimizer['name']; specs: TensorSpec[]; data: Uint8Array };
}

/**
 * Writes a checkpoint from its files' contents into `dir`, atomically. Checks them first as
 * reading does (state, model.json's manifest, both binary sizes, optimizer tensors shaped as
 * weights), so contents from elsewhere (a window run) never replace a good checkpoint with a
 * damaged one.
 *
 * @throws CheckpointError naming the file at fault
 */
export async function writeCheckpointContents(dir: string, contents: CheckpointContents): Promise<void> {
  const state: CheckpointState = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...contents.info,
    savedAt: new Date().toISOString(),
    optimizer: { name: contents.optimizer.name, specs: contents.optimizer.specs },
  };
  const invalid = (file: string, problem: string) =>
    new CheckpointError(`the checkpoint for ${dir} was not written: ${file} ${problem}`, file);
  parseState(dir, state);
  const weightSpecs = checkModelContents(`the checkpoint for ${dir}`, contents.model);
  const size = contents.optimizer.data.byteLength;
  const expected = encodedBytes(contents.optimizer.specs);
  if (size !== expected)
    throw invalid(OPTIMIZER_FILE, `is ${bytes(size)} bytes, expected ${bytes(expected)}`);
  const problem = optimizerStateProblem(contents.optimizer.specs, weightSpecs);
  if (problem) throw invalid(OPTIMIZER_FILE, problem);
  await replaceDirAtomic(dir, CHECKPOINT_DIR_RULES, async (temporary) => {
    // state.json first: it is what marks even an unfinished folder as ours.
    await writeFile(join(temporary, STATE_FILE), JSON.stringify(state));
    await writeModelFileContents(temporary, contents.model);
    await writeFile(join(temporary, OPTIMIZER_FILE), contents.optimizer.data);
  });
}

/**
 * Checks model files made elsewhere (a window run's) before they are written: model.json is a
 * tfjs model with a weights manifest, and weights.bin has the bytes that manifest describes.
 * Returns the manifest's tensors; `what` names the destination in the error.
 *
 * @throws CheckpointError naming the file at fault
 */
export function checkModelContents(what: string, model: ModelFileContents): TensorSpec[] {
  const invalid = (file: string, problem: string) =>
    new CheckpointError(`${what} was not written: ${file} ${problem}`, file);
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(model.modelJson);
  } catch (error) {
    throw invalid(MODEL_FILE, `is not valid JSON (${(error as Error).message})`);
  }
  const parsed = modelJsonSchema.safeParse(modelJson);
  if (!parsed.success) throw invalid(MODEL_FILE, 'is not a tfjs model with a weights manifest');
  const specs = parsed.data.weightsManifest.flatMap((group) => group.weights);
  const expected = encodedBytes(specs);
  if (model.weights.byteLength !== expected)
    throw invalid(WEIGHTS_FILE, `is ${bytes(model.weights.byteLength)} bytes, expected ${bytes(expected)}`);
  return specs;
}

/**
 * The checkpoint in `dir` as its files' contents (validated as `readCheckpointState` does),
 * for a run that continues elsewhere (a window); null when `dir` holds none.
 */
export async function readCheckpointContents(
  dir: string,
): Promise<{ state: CheckpointState; model: ModelFileContents; optimizer: Uint8Array } | null> {
  const checked = await readCheckpoint(dir);
  if (!checked) return null;
  const { state, found } = checked;
  return {
    state,
    model: {
      modelJson: await readFile(join(found, MODEL_FILE), 'utf8'),
      weights: new Uint8Array(await readFile(join(found, WEIGHTS_FILE))),
    },
    optimizer: new Uint8Array(await readFile(join(found, OPTIMIZER_FILE))),
  };
}

/**
 * Reads and validates a checkpoint (state.json, model.json and the sizes of weights.bin and
 * optimizer.bin); null when `dir` holds none (no folder, or no state.json in it).
 *
 * @throws CheckpointError naming the damaged file, e.g.
 *   `checkpoint /runs/a is damaged: optimizer.bin is 1,024 bytes, expected 4,096`
 */
export async function readCheckpointState(dir: string): Promise<CheckpointState | null> {
  const checked = await readCheckpoint(dir);
  return checked?.state ?? null;
}

/**
 * Loads a checkpoint's weights into `model` (built from `state.graph`) and its optimizer
 * state into `optimizer` (created from `state.training`).
 *
 * @throws CheckpointError when the checkpoint is missing, damaged, or does not fit the model
 */
export async function restoreCheckpoint(
  tf: Tf,
  dir: string,
  targets: { model: tfjs.LayersModel; optimizer: TrainingOptimizer },
): Promise<CheckpointState> {
  const checked = await readCheckpoint(dir);
  if (!checked) throw new CheckpointError(`no checkpoint to resume from in ${dir}`);
  const { state, found } = checked;
  if (state.optimizer.name !== targets.optimizer.name) {
    throw new CheckpointError(
      `the checkpoint in ${dir} was made with the ${state.optimizer.name} optimizer, not ${targets.optimizer.name}: resume with the same optimizer`,
    );
  }
  try {
    await readModelWeights(tf, targets.model, found);
  } catch (error) {
    throw new CheckpointError((error as Error).message, MODEL_FILE);
  }
  const specs = state.optimizer.specs;
  const problem = optimizerStateProblem(
    specs,
    targets.model.trainableWeights.map((weight) => ({ shape: weight.shape })),
  );
  if (problem) throw damaged(dir, OPTIMIZER_FILE, problem);
  const tensors = decodeInOrder(tf, toArrayBuffer(await readFile(join(found, OPTIMIZER_FILE))), specs);
  await targets.optimizer.setState(specs.map((spec, i) => ({ name: spec.name, tensor: tensors[i] })));
  return state;
}

/** Whether `dir` holds a state.json of ours (any version), damaged or not in its other files. */
export async function isOurCheckpoint(dir: string): Promise<boolean> {
  try {
    const path = join(dir, STATE_FILE);
    if ((await stat(path)).size > MAX_JSON_BYTES) return false;
    const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (!isObject(raw)) return false;
    return raw.format === CHECKPOINT_FORMAT || isVersion1(raw);
  } catch {
    return false;
  }
}

// ——— validation ———

const dtypeBytes = { float32: 4, int32: 4, bool: 1 } as const;

const specSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  dtype: z.enum(['float32', 'int32', 'bool']),
}) satisfies z.ZodType<TensorSpec>;

const metricsSchema = z.object({
  epoch: z.number().int().min(1),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  testLoss: z.number(),
  testAccuracy: z.number(),
  seconds: z.number(),
});

const stateSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  epochsDone: z.number().int().min(0),
  history: z.array(metricsSchema),
  graph: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  datasetId: z.string().min(1),
  limit: z.number().int().min(1).nullable(),
  savedAt: z.string(),
  optimizer: z.object({
    name: z.enum(['sgd', 'adam', 'adamw', 'rmsprop']),
    specs: z.array(specSchema),
  }),
});

const modelJsonSchema = z.object({
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(specSchema) })).min(1),
});

/**
 * Upgrades of state.json: `MIGRATIONS[n - 1]` turns version n into n + 1.
 * Version 1 (before the format tag) had `version: 1` and no `format`.
 */
const MIGRATIONS: ReadonlyArray<(raw: Record<string, unknown>) => Record<string, unknown>> = [
  (raw) => ({ ...raw, format: CHECKPOINT_FORMAT, version: 2 }),
];

function damaged(dir: string, file: string, problem: string): CheckpointError {
  return new CheckpointError(`checkpoint ${dir} is damaged: ${file} ${problem}`, file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isVersion1(raw: Record<string, unknown>): boolean {
  return !('format' in raw) && raw.version === 1 && 'epochsDone' in raw && 'optimizer' in raw;
}

/** Reads a JSON file of the checkpoint, refusing oversized ones before reading them. */
async function readJson(dir: string, found: string, file: string): Promise<unknown> {
  const path = join(found, file);
  const size = await fileSize(dir, found, file);
  if (size > MAX_JSON_BYTES)
    throw damaged(dir, file, `is ${bytes(size)} bytes, more than a checkpoint's ${file} can be`);
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw damaged(dir, file, `is not valid JSON (${(error as Error).message})`);
  }
}

/** The size of a file the checkpoint must have. */
async function fileSize(dir: string, found: string, file: string): Promise<number> {
  try {
    const info = await stat(join(found, file));
    if (!info.isFile()) throw damaged(dir, file, 'is not a file');
    return info.size;
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw damaged(dir, file, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? 'error'})`);
  }
}

/** Bytes a list of tensors takes when encoded. */
function encodedBytes(specs: readonly TensorSpec[]): number {
  return specs.reduce(
    (sum, spec) => sum + spec.shape.reduce((product, dim) => product * dim, 1) * dtypeBytes[spec.dtype],
    0,
  );
}

async function checkBinarySize(
  dir: string,
  found: string,
  file: string,
  specs: readonly TensorSpec[],
): Promise<void> {
  const size = await fileSize(dir, found, file);
  const expected = encodedBytes(specs);
  if (size !== expected) throw damaged(dir, file, `is ${bytes(size)} bytes, expected ${bytes(expected)}`);
}

function bytes(count: number): string {
  return count.toLocaleString('en-US');
}

/** The checkpoint in `dir` (or its `.old` copy), validated file by file; null when there is none. */
async function readCheckpoint(dir: string): Promise<{ state: CheckpointState; found: string } | null> {
  const found = await readableDir(dir);
  if (!found) return null;
  try {
    if (!(await stat(found)).isDirectory()) throw new CheckpointError(`checkpoint ${dir} is not a folder`);
    await stat(join(found, STATE_FILE));
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(`checkpoint ${dir} cannot be read (${(error as Error).message})`);
  }
  const state = parseState(dir, await readJson(dir, found, STATE_FILE));
  const modelJson = await readJson(dir, found, MODEL_FILE);
  const model = modelJsonSchema.safeParse(modelJson);
  if (!model.success) {
    const problem = isObject(modelJson)
      ? describeSchemaIssues(model.error.issues, modelJson)
      : `expected a tfjs model (a JSON object), got ${describeValue(modelJson)}`;
    throw damaged(dir, MODEL_FILE, `is not a tfjs model: ${problem}`);
  }
  const weightSpecs = model.data.weightsManifest.flatMap((group) => group.weights);
  await checkBinarySize(dir, found, WEIGHTS_FILE, weightSpecs);
  await checkBinarySize(dir, found, OPTIMIZER_FILE, state.optimizer.specs);
  return { state, found };
}

/** state.json → the current `CheckpointState`, upgrading older versions. */
function parseState(dir: string, raw: unknown): CheckpointState {
  const fail = (problem: string) => damaged(dir, STATE_FILE, problem);
  if (!isObject(raw))
    throw fail(`is not a checkpoint state (expected a JSON object, got ${describeValue(raw)})`);
  let upgraded = raw;
  if (isVersion1(raw)) {
    upgraded = { ...raw, version: 1 };
  } else if (raw.format !== CHECKPOINT_FORMAT) {
    throw fail(
      'format' in raw
        ? `is not a CNN Studio checkpoint (format is ${describeValue(raw.format)})`
        : 'is not a CNN Studio checkpoint (it has no "format" field)',
    );
  }
  const version = upgraded.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw fail(`version: expected a whole number ≥ 1, got ${describeValue(version)}`);
  if (version > CHECKPOINT_VERSION) {
    throw fail(
      `was written by a newer CNN Studio (checkpoint version ${version}; this one reads up to ${CHECKPOINT_VERSION}): update CNN Studio to resume it`,
    );
  }
  for (let v = version; v < CHECKPOINT_VERSION; v++) upgraded = MIGRATIONS[v - 1](upgraded);

  const parsed = stateSchema.safeParse(upgraded);
  if (!parsed.success) throw fail(describeSchemaIssues(parsed.error.issues, upgraded));
  const missing = Object.keys(DEFAULT_TRAINING).filter((key) => !(key in parsed.data.training));
  if (missing.length > 0) throw fail(`training.${missing[0]}: missing`);
  const training = trainingSchema.safeParse(parsed.data.training);
  if (!training.success)
    throw fail(`training: ${describeSchemaIssues(training.error.issues, parsed.data.training)}`);
  let graph: GraphDocument;
  try {
    graph = loadGraphDocument(parsed.data.graph);
  } catch (error) {
    throw fail(`graph: ${(error as Error).message}`);
  }
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    const issue = analysis.issues.find((i) => i.severity === 'error') ?? analysis.issues[0];
    throw fail(`holds a graph that is not valid (${issue ? describeIssue(issue) : 'no output'})`);
  }
  return { ...parsed.data, graph, training: training.data } as CheckpointState;
}

/**
 * Why the optimizer state cannot belong to a model with `weights`, or null: it starts with
 * the step count (a scalar) and every other tensor has the shape of one of the weights.
 */
function optimizerStateProblem(
  specs: readonly TensorSpec[],
  weights: ReadonlyArray<{ shape: ReadonlyArray<number | null> }>,
): string | null {
  if (specs.length === 0) return null;
  if (specs[0].shape.length !== 0)
    return `does not start with the step count (its first tensor is [${specs[0].shape.join(', ')}])`;
  const shapes = new Set(weights.map((weight) => weight.shape.join('x')));
  const stray = specs.slice(1).find((spec) => !shapes.has(spec.shape.join('x')));
  return stray
    ? `holds a tensor of shape [${stray.shape.join(', ')}] (${stray.name}), which no weight of this model has`
    : null;
}
