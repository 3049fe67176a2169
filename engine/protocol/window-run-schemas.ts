/**
 * Schemas of what a window run sends the engine (methods.ts checks every request with
 * them): its RunEvents, which the engine applies to the run's record and passes on to every
 * editor, and its weights, which the engine writes as checkpoint and model files. Tied to
 * the api types with `fieldsOf`, so a field added there without a schema here fails the typecheck.
 */
import { z } from 'zod';
import type {
  BackendInfo,
  DatasetInfo,
  EpochMetrics,
  ModelWeightFiles,
  RunEvent,
  RunResult,
  WeightSpec,
  WindowCheckpoint,
} from './api';
import { fieldsOf } from './fields-of';
import { healthSampleFields } from './layer-health';

/** A number (zod 4's `z.number()` refuses NaN and Infinity). */
const finite = z.number();
const natural = z.number().int().min(0);
const text = z.string().max(10_000);
const runId = z.string().min(1).max(200);
/** Base64 text (weights): the whole message is capped by the transport's size limit. */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

const epochMetrics = {
  epoch: z.number().int().min(1),
  trainLoss: finite,
  trainAccuracy: finite,
  testLoss: finite,
  testAccuracy: finite,
  seconds: finite,
};
const epochMetricsSchema: z.ZodType<EpochMetrics, unknown> = fieldsOf<EpochMetrics>()(epochMetrics);

const backendInfo: z.ZodType<BackendInfo, unknown> = fieldsOf<BackendInfo>()({
  name: text,
  device: text,
  skipped: z.array(z.object({ name: text, reason: text })).max(20),
  patchedKernels: z.array(text).max(100),
});

const datasetInfo: z.ZodType<DatasetInfo, unknown> = fieldsOf<DatasetInfo>()({
  id: text,
  name: text,
  source: z.enum(['builtin', 'imported']),
  path: text.optional(),
  trainSize: natural,
  testSize: natural,
  imageShape: z.array(natural),
  classNames: z.array(text),
});

const runResult: z.ZodType<RunResult, unknown> = fieldsOf<RunResult>()({
  testImages: natural.optional(),
  trainLoss: finite,
  trainAccuracy: finite,
  testLoss: finite,
  testAccuracy: finite,
  confusion: z.array(z.array(natural)),
  perClassAccuracy: z.array(finite),
  imagesPerSecond: finite,
});

/** Any RunEvent, checked field by field. */
export const runEventSchema: z.ZodType<RunEvent, unknown> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('started'),
    runId,
    backend: backendInfo,
    dataset: datasetInfo,
    totalBatches: natural,
    epochs: natural,
    summary: z.object({ trainable: natural, nonTrainable: natural, macs: finite, activationBytes: finite }),
  }),
  z.object({
    kind: z.literal('batch'),
    runId,
    epoch: natural,
    batch: natural,
    batchesPerEpoch: natural,
    // A diverging batch can report NaN, which JSON carries as null: shown as a gap.
    loss: finite.nullable().transform((value) => value ?? Number.NaN),
    accuracy: finite,
    imagesPerSecond: finite,
    elapsedSeconds: finite,
    etaSeconds: finite,
  }),
  z.object({ kind: z.literal('epoch'), runId, ...epochMetrics }),
  z.object({ kind: z.literal('paused'), runId }),
  z.object({ kind: z.literal('resumed'), runId }),
  z.object({ kind: z.literal('done'), runId, stopped: z.boolean(), result: runResult }),
  z.object({ kind: z.literal('failed'), runId, message: text }),
  // Training health (engine/protocol/layer-health.ts): the window's worker samples it too.
  z.object({ kind: z.literal('health'), runId, ...healthSampleFields }),
]);

const weightSpec: z.ZodType<WeightSpec, unknown> = fieldsOf<WeightSpec>()({
  name: text,
  shape: z.array(natural).max(8),
  dtype: z.enum(['float32', 'int32', 'bool']),
});

const modelFiles = { modelJson: z.string().min(2), weights: base64 };

export const modelWeightFilesSchema: z.ZodType<ModelWeightFiles, unknown> =
  fieldsOf<ModelWeightFiles>()(modelFiles);

export const windowCheckpointSchema: z.ZodType<WindowCheckpoint, unknown> = fieldsOf<WindowCheckpoint>()({
  ...modelFiles,
  epochsDone: z.number().int().min(1),
  history: z.array(epochMetricsSchema),
  optimizer: z.object({
    name: z.enum(['sgd', 'adam', 'adamw', 'rmsprop']),
    specs: z.array(weightSpec),
    data: base64,
  }),
});
