/**
 * Training health: per-layer figures an engine measures on a sampled training batch (time,
 * activations, gradients, update size), sent as `health` run events and kept with the run
 * record so a finished run still shows them on its graph. The types and their zod schema live
 * together here: the schema checks what a PyTorch runner prints and what a run.json holds.
 */
import { z } from 'zod';

/**
 * One layer's figures from one sampled batch. A figure that does not apply (no weights, no
 * output of its own) or was not finite is `null`.
 */
export interface LayerHealth {
  /** The graph node the layer belongs to. */
  nodeId: string;
  /**
   * For a layer inside a block: the block's inner node id. The block node's own entry (no
   * `innerId`) aggregates its inner layers: times and squared norms summed.
   */
  innerId?: string;
  /** Milliseconds of the layer's forward and backward pass on the sampled batch (see the engine's method). */
  timeMs: number | null;
  /** Mean of the layer's output values over the batch. */
  activationMean: number | null;
  /** Standard deviation of the layer's output values over the batch. */
  activationStd: number | null;
  /** Share of output values that are exactly 0: after a ReLU, the share of inactive units. */
  zeroShare: number | null;
  /** L2 norm of the gradients of the layer's trainable weights, before clipping. */
  gradNorm: number | null;
  /** ‖Δw‖ / ‖w‖ of the sampled step's update of the layer's trainable weights. */
  updateRatio: number | null;
}

/** The figures of every layer from one sampled batch. */
export interface HealthSample {
  /** 1-based epoch and batch within it, as batch events count. */
  epoch: number;
  batch: number;
  /** Batches trained since the run began (1-based): the x of a layer's history chart. */
  step: number;
  layers: LayerHealth[];
}

/** The run event that carries one sample. */
export type HealthEvent = { kind: 'health'; runId: string } & HealthSample;

/** The figures a layer can be painted by, in the order the overlay offers them. */
export const HEALTH_METRICS = [
  'timeMs',
  'activationMean',
  'activationStd',
  'zeroShare',
  'gradNorm',
  'updateRatio',
] as const satisfies ReadonlyArray<keyof LayerHealth>;

export type HealthMetric = (typeof HEALTH_METRICS)[number];

/** How many samples a run record keeps; older ones are thinned out (every other one dropped). */
export const MAX_KEPT_HEALTH_SAMPLES = 200;

/**
 * Adds `sample` to a run's kept samples: when the list is full, every other older sample is
 * dropped first, so a long run keeps an evenly thinned history from its start to now.
 */
export function keepHealthSample(samples: readonly HealthSample[], sample: HealthSample): HealthSample[] {
  const kept =
    samples.length >= MAX_KEPT_HEALTH_SAMPLES ? samples.filter((_, i) => i % 2 === 0) : [...samples];
  kept.push(sample);
  return kept;
}

// A figure; JSON has no NaN or Infinity, so a non-finite figure travels as null.
const figure = z.number().nullable();
const id = z.string().min(1).max(500);
const count = z.number().int().min(0);

export const layerHealthSchema: z.ZodType<LayerHealth, unknown> = z.object({
  nodeId: id,
  innerId: id.optional(),
  timeMs: figure,
  activationMean: figure,
  activationStd: figure,
  zeroShare: figure,
  gradNorm: figure,
  updateRatio: figure,
});

/** The fields of a sample, for event schemas (`{ kind: 'health', runId, ...healthSampleFields }`). */
export const healthSampleFields = {
  epoch: count,
  batch: count,
  step: count,
  layers: z.array(layerHealthSchema).max(100_000),
};

export const healthSampleSchema: z.ZodType<HealthSample, unknown> = z.object(healthSampleFields);
