/**
 * The runtime table of EngineApi methods and the schema of every argument. The server
 * checks each request against it before anything reaches the engine (a wrong type, a NUL
 * byte in a path or a malformed graph is answered with a `BadArguments` error naming the
 * method and the argument); the client builds its proxy from the method names.
 *
 * The mapped type ties the table to `EngineApi`: adding, renaming or removing a method,
 * adding an argument, or adding a field to a request object without its schema is a
 * compile error here.
 */
import { z } from 'zod';
import type {
  DatasetImportRequest,
  EngineApi,
  EngineMethod,
  ExportTarget,
  ImportModelOptions,
  SampleImage,
  SaveProjectOptions,
  StartRunRequest,
  WindowRunRequest,
} from './api';
import { MAX_DATASET_CHUNK_BYTES } from './api';
import { EngineError, RpcErrorName } from './errors';
import type { GraphDocument } from '../graph/document';
import { describeValue, formatPath, valueAt } from '../graph/describe';
import { loadGraphDocument } from '../graph/load';
import { trainingSchema, userBlockSchema } from '../graph/schema';
import type { UserBlockDefinition } from '../nodes/user-block';
import { fieldsOf } from './fields-of';
import { modelWeightFilesSchema, runEventSchema, windowCheckpointSchema } from './window-run-schemas';

/** One argument of a method: its name (for error messages) and its schema. */
export interface ArgumentSpec<T> {
  readonly name: string;
  readonly schema: z.ZodType<T, unknown>;
}

type ArgumentSpecs<P extends readonly unknown[]> = { readonly [I in keyof P]-?: ArgumentSpec<P[I]> };

/** Every method's argument specs, in parameter order. */
type MethodTable = { readonly [M in EngineMethod]: ArgumentSpecs<Parameters<EngineApi[M]>> };

const argument = <T>(name: string, schema: z.ZodType<T, unknown>): ArgumentSpec<T> => ({ name, schema });

export { fieldsOf } from './fields-of';

const noControlCharacters = (value: string) =>
  ![...value].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);

/** Longest path accepted (Linux PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;

/** A file or folder path: non-empty, no NUL byte (which Node refuses with an internal error). */
const path = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_PATH_LENGTH, `must be at most ${MAX_PATH_LENGTH} characters`)
  .refine((value) => !value.includes('\u0000'), 'must not contain a NUL byte');

/** A run, dataset or preset id: short, printable. */
const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(noControlCharacters, 'must not contain control characters');

const count = z.number().int().min(1, 'must be at least 1');

/** A graph argument goes through the one graph loader (the file schema, with migrations). */
const graph: z.ZodType<GraphDocument, unknown> = z.unknown().transform((value, context) => {
  try {
    return loadGraphDocument(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

/** A block library: at most 1,000 definitions, each in the graph file's block schema. */
const userBlocks = z
  .array(userBlockSchema)
  .max(1000, 'must hold at most 1,000 blocks') as unknown as z.ZodType<UserBlockDefinition[], unknown>;

/** A display name: optional, printable, at most 200 characters. */
const displayName = z
  .string()
  .max(200, 'must be at most 200 characters')
  .refine(noControlCharacters, 'must not contain control characters');

const datasetImportRequest: z.ZodType<DatasetImportRequest, unknown> = fieldsOf<DatasetImportRequest>()({
  kind: z.enum(['idx', 'folder', 'csv']),
  path,
  name: displayName.optional(),
});

/** The largest edge of an image sent for prediction (the editor sends dataset-sized images). */
const MAX_IMAGE_EDGE = 4096;

const sampleImage: z.ZodType<SampleImage, unknown> = fieldsOf<SampleImage>()({
  width: z.number().int().min(1).max(MAX_IMAGE_EDGE),
  height: z.number().int().min(1).max(MAX_IMAGE_EDGE),
  channels: z.number().int().min(1).max(4),
  pixels: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  label: z.number().int(),
});

const startRunRequest: z.ZodType<StartRunRequest, unknown> = fieldsOf<StartRunRequest>()({
  graph,
  training: trainingSchema,
  limit: count.optional(),
  resumeFrom: identifier.optional(),
  engine: z.enum(['auto', 'tfjs', 'pytorch']).optional(),
  initialWeights: identifier.optional(),
  amp: z.enum(['auto', 'on', 'off']).optional(),
});

const windowRunRequest: z.ZodType<WindowRunRequest, unknown> = fieldsOf<WindowRunRequest>()({
  graph,
  training: trainingSchema,
  limit: count.optional(),
  resumeFrom: identifier.optional(),
  backend: z.enum(['webgpu', 'webgl']),
});

const imageEdge = z.number().int().min(1).max(MAX_IMAGE_EDGE);
const importModelOptions: z.ZodType<ImportModelOptions, unknown> = fieldsOf<ImportModelOptions>()({
  files: z
    .array(
      z.object({
        name: z.string().min(1).max(MAX_PATH_LENGTH),
        content: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
      }),
    )
    .max(1000, 'must hold at most 1,000 files')
    .optional(),
  inputSize: z.tuple([imageEdge, imageEdge]).optional(),
  output: z.string().min(1).max(MAX_PATH_LENGTH).optional(),
});

const saveProjectOptions: z.ZodType<SaveProjectOptions, unknown> = fieldsOf<SaveProjectOptions>()({
  overwrite: z.boolean().optional(),
});

/** Most test images one `confusionCell` page holds. */
export const MAX_CELL_PAGE = 200;
/** Most images one `classActivations` call explains. */
export const MAX_EXPLAINED_IMAGES = 64;

/** A class index: the engine checks it against the run's class count. */
const classIndex = z.number().int().min(0, 'must be 0 or more');

const exportTarget: z.ZodType<ExportTarget, unknown> = z.enum(['pytorch', 'keras', 'tfjs', 'onnx']);

/** Argument names and schemas of every EngineApi method. */
export const methodArguments: MethodTable = {
  getInfo: [],
  probeBackend: [],
  probeEngines: [argument('refresh', z.boolean().optional())],
  analyze: [argument('graph', graph)],
  listPresets: [],
  getPreset: [argument('id', identifier)],
  listDatasets: [],
  getDatasetSamples: [argument('datasetId', identifier), argument('count', count)],
  datasetCacheChunk: [
    argument('datasetId', identifier),
    argument('offset', z.number().int().min(0, 'must be 0 or more')),
    argument('length', count.max(MAX_DATASET_CHUNK_BYTES, `must be at most ${MAX_DATASET_CHUNK_BYTES}`)),
  ],
  importDataset: [argument('request', datasetImportRequest)],
  startRun: [argument('request', startRunRequest)],
  stopRun: [argument('runId', identifier)],
  pauseRun: [argument('runId', identifier)],
  resumeRun: [argument('runId', identifier)],
  listRuns: [],
  getRun: [argument('runId', identifier)],
  deleteRun: [argument('runId', identifier)],
  startWindowRun: [argument('request', windowRunRequest)],
  windowRunEvent: [argument('runId', identifier), argument('event', runEventSchema)],
  windowRunHeartbeat: [argument('runId', identifier)],
  saveWindowCheckpoint: [argument('runId', identifier), argument('checkpoint', windowCheckpointSchema)],
  saveWindowModel: [argument('runId', identifier), argument('model', modelWeightFilesSchema)],
  predict: [argument('runId', identifier), argument('image', sampleImage)],
  evaluateRun: [argument('runId', identifier)],
  misclassified: [argument('runId', identifier), argument('count', count)],
  confusionCell: [
    argument('runId', identifier),
    argument('trueClass', classIndex),
    argument('predictedClass', classIndex),
    argument('offset', z.number().int().min(0, 'must be 0 or more')),
    argument('count', count.max(MAX_CELL_PAGE, `must be at most ${MAX_CELL_PAGE}`)),
  ],
  classActivations: [
    argument('runId', identifier),
    argument(
      'images',
      z
        .array(sampleImage)
        .min(1, 'must hold at least one image')
        .max(MAX_EXPLAINED_IMAGES, `must hold at most ${MAX_EXPLAINED_IMAGES} images`),
    ),
    argument('classes', z.array(classIndex).optional()),
  ],
  exportModel: [
    argument('graph', graph),
    argument('target', exportTarget),
    argument('runId', identifier.optional()),
  ],
  importModel: [argument('modelJson', z.string()), argument('options', importModelOptions.optional())],
  listProjects: [argument('directory', path.optional())],
  openProject: [argument('path', path)],
  saveProject: [
    argument('path', path),
    argument('document', graph),
    argument('options', saveProjectOptions.optional()),
  ],
  recentProjects: [],
  saveRecovery: [argument('document', graph)],
  loadRecovery: [],
  clearRecovery: [],
  listUserBlocks: [],
  saveUserBlocks: [argument('blocks', userBlocks)],
};

/** Every method name, in the table's order. */
export const engineMethods = Object.keys(methodArguments) as EngineMethod[];

/** Whether `name` is an EngineApi method (own key of the table, not e.g. `toString`). */
export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methodArguments, name);
}

/**
 * Checks call arguments against the method's schemas. Returns the parsed arguments to
 * pass on (a `null` in an optional slot becomes `undefined`, as JSON turns one into the
 * other), or a `BadArguments` EngineError naming the method, the argument and the field.
 */
export function checkArguments(
  method: EngineMethod,
  params: readonly unknown[],
): { ok: true; args: unknown[] } | { ok: false; error: EngineError } {
  const specs = methodArguments[method] as readonly ArgumentSpec<unknown>[];
  const accepts = (spec: ArgumentSpec<unknown>, value: unknown) => spec.schema.safeParse(value).success;
  const required = specs.filter((spec) => !accepts(spec, undefined)).length;
  const refuse = (message: string) => ({
    ok: false as const,
    error: new EngineError(RpcErrorName.badArguments, message),
  });
  if (params.length < required || params.length > specs.length) {
    const expected = required === specs.length ? `${specs.length}` : `${required} to ${specs.length}`;
    return refuse(`${method} takes ${expected} argument(s), got ${params.length}`);
  }
  const args: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const spec = specs[i];
    const value = params[i] === null && accepts(spec, undefined) ? undefined : params[i];
    const result = spec.schema.safeParse(value);
    if (!result.success)
      return refuse(
        `${method} argument ${i + 1} (${spec.name}): ${describeIssue(result.error.issues[0], value)}`,
      );
    args.push(result.data);
  }
  return { ok: true, args };
}

/** One zod issue as words: the field, what was wrong, the value quoted. */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const field = formatPath(issue.path);
  const where = field === '' ? '' : `${field}: `;
  const value = valueAt(root, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return `${where}expected ${EXPECTED_TYPE[issue.expected] ?? `a ${issue.expected}`}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `${where}expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`;
    default:
      return `${where}${issue.message}`; // our schemas phrase these themselves
  }
}

const EXPECTED_TYPE: Partial<Record<string, string>> = {
  object: 'an object',
  array: 'a list',
  int: 'a whole number',
};
