/**
 * The structure of a graph file (current version) as zod schemas. Only structure: whether
 * the graph makes sense as a network is `analyzeGraph`'s job, so a file with, say, an
 * unknown node type still loads and the editor can show where the problem is.
 */
import { z } from 'zod';
import { DEFAULT_TRAINING, type TrainingSettings } from './document';

const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' });

export const paramValueSchema = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);

/**
 * The longest id, type or port name a file may hold. The editor's are a few characters;
 * the bound keeps every message that quotes one short.
 */
export const MAX_NAME_LENGTH = 256;
const name = z.string().min(1).max(MAX_NAME_LENGTH);

export const nodeSchema = z.object({
  id: name,
  type: name,
  params: z.record(name, paramValueSchema).default({}),
  // Hand-written files may leave positions out; the editor's tidy layout places them.
  position: z.object({ x: finite, y: finite }).default({ x: 0, y: 0 }),
  label: z.string().optional(),
  bypassed: z.boolean().optional(),
  expanded: z.boolean().optional(),
  trainable: z.boolean().optional(),
});

export const edgeSchema = z.object({
  id: name,
  source: name,
  sourcePort: name,
  target: name,
  targetPort: name,
});

const nonNegative = z.number().min(0);

/** Every training field is optional in a file; missing ones take `DEFAULT_TRAINING`. */
export const trainingSchema = z
  .object({
    dataset: z.string().min(1),
    epochs: z.number().int().min(1),
    batchSize: z.number().int().min(1),
    learningRate: z.number().gt(0),
    optimizer: z.enum(['sgd', 'adam', 'adamw', 'rmsprop']),
    momentum: z.number().min(0).lt(1),
    nesterov: z.boolean(),
    weightDecay: nonNegative,
    schedule: z.enum(['constant', 'step', 'cosine']),
    stepEpochs: z.number().int().min(1),
    stepGamma: z.number().gt(0),
    warmupEpochs: z.number().int().min(0),
    gradientClip: nonNegative,
    seed: z.number().int(),
    validationSplit: z.number().min(0).lt(1),
    augmentFlip: z.boolean(),
    augmentCrop: z.boolean(),
  } satisfies Record<keyof TrainingSettings, z.ZodType>)
  .partial()
  .default({})
  .transform((given): TrainingSettings => ({ ...DEFAULT_TRAINING, ...given }));

export const layoutSchema = z
  .object({ direction: z.enum(['LR', 'TB']) })
  .partial()
  .default({})
  .transform((given) => ({ direction: given.direction ?? ('TB' as const) }));

/** A block a person made (engine/nodes/user-block.ts); whether it makes sense is checked when it is registered. */
export const userBlockSchema = z.object({
  type: name,
  label: z.string().max(MAX_NAME_LENGTH),
  doc: z.string().optional(),
  exampleInput: z.array(z.number().int().min(1)).min(1).max(3),
  params: z
    .array(
      z.object({
        name,
        label: z.string().max(MAX_NAME_LENGTH),
        default: paramValueSchema,
        min: finite.optional(),
        max: finite.optional(),
        targets: z.array(z.object({ node: name, param: name })),
      }),
    )
    .default([]),
  nodes: z.array(
    z.object({
      id: name,
      type: name,
      label: z.string().optional(),
      params: z.record(name, paramValueSchema).default({}),
    }),
  ),
  edges: z.array(z.object({ source: name, target: name })),
  output: name,
});

/** A whole document at the current version (after migration). */
export const documentSchema = z.object({
  format: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string().optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  training: trainingSchema,
  layout: layoutSchema,
  meta: z.record(z.string(), z.unknown()).default({}),
  blocks: z.array(userBlockSchema).optional(),
});
