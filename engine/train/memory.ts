/**
 * How much memory a training step needs: activations × batch for the forward and backward
 * pass, plus weights, gradients and optimizer state — estimated from the graph analysis
 * before anything is allocated, against a budget the host passes in (`memory-budget.ts` reads
 * it in Node; the module itself runs anywhere). The same figures explain a real
 * out-of-memory error.
 */
import type { TrainingSettings } from '../graph/document';
import type { GraphAnalysis } from '../graph/types';

const BYTES_PER_FLOAT = 4;

/** What one training step is expected to need, against what the run may use. */
export interface MemoryEstimate {
  batchSize: number;
  /** Per image: every layer's output kept for the backward pass, its gradient and backend scratch. */
  perExampleBytes: number;
  /** Independent of the batch: weights, their gradients and the optimizer's state. */
  fixedBytes: number;
  /** `fixedBytes + batchSize × perExampleBytes`. */
  stepBytes: number;
  budget: MemoryBudget;
  /** The largest batch size whose step fits the budget; 0 when not even one image does. */
  largestBatch: number;
}

export interface MemoryBudget {
  bytes: number;
  /** Where the figure comes from, for messages. */
  source: string;
}

/** The environment variable that sets the memory budget in megabytes (read by `memory-budget.ts`). */
export const MEMORY_LIMIT_ENV = 'CNN_STUDIO_MEMORY_LIMIT_MB';
/**
 * Activation bytes a step holds per image, as a multiple of the graph's output sizes: the
 * forward outputs kept for the backward pass, their gradients, and the backend's temporaries
 * (pre-activation copies, pooling masks). An estimate, deliberately on the safe side.
 */
const ACTIVATION_FACTOR = 3;

/** Optimizer state tensors per weight: momentum, Adam's two moments, RMSProp's square and momentum. */
function optimizerSlots(settings: Pick<TrainingSettings, 'optimizer' | 'momentum'>): number {
  switch (settings.optimizer) {
    case 'sgd':
      return settings.momentum > 0 ? 1 : 0;
    case 'adam':
    case 'adamw':
    case 'rmsprop':
      return 2;
    default:
      return 2;
  }
}

/**
 * The memory one training step of `analysis`'s graph needs at `settings.batchSize`, and the
 * largest batch size that fits `budget`.
 */
export function estimateStepMemory(
  analysis: Pick<GraphAnalysis, 'totals'>,
  settings: Pick<TrainingSettings, 'batchSize' | 'optimizer' | 'momentum'>,
  budget: MemoryBudget,
): MemoryEstimate {
  const { totals } = analysis;
  const perExampleBytes = totals.activationBytes * ACTIVATION_FACTOR;
  const weightBytes = (totals.trainable + totals.nonTrainable) * BYTES_PER_FLOAT;
  const gradientBytes = totals.trainable * BYTES_PER_FLOAT;
  const fixedBytes = weightBytes + gradientBytes * (1 + optimizerSlots(settings));
  const largest = perExampleBytes > 0 ? Math.floor((budget.bytes - fixedBytes) / perExampleBytes) : Infinity;
  return {
    batchSize: settings.batchSize,
    perExampleBytes,
    fixedBytes,
    stepBytes: fixedBytes + settings.batchSize * perExampleBytes,
    budget,
    largestBatch: Math.max(0, Math.min(largest, Number.MAX_SAFE_INTEGER)),
  };
}

/** Why a step does not fit the budget (figure, budget, the batch size that fits), or null when it does. */
export function memoryRefusal(estimate: MemoryEstimate): string | null {
  if (estimate.stepBytes <= estimate.budget.bytes) return null;
  const fits =
    estimate.largestBatch >= 1
      ? `the largest batch size that fits is ${estimate.largestBatch.toLocaleString('en-US')}; or use a smaller input size`
      : NOTHING_FITS;
  return (
    `${stepNeeds(estimate)}, more than the memory budget of ${formatBytes(estimate.budget.bytes)} ` +
    `(${estimate.budget.source}) — ${fits} (${MEMORY_LIMIT_ENV} sets the budget)`
  );
}

/** The sentence for an allocation that failed during training, with the same figures. */
export function outOfMemoryMessage(estimate: MemoryEstimate, where: string): string {
  const smaller = Math.min(estimate.largestBatch, Math.floor(estimate.batchSize / 2));
  const advice =
    smaller >= 1 ? `try batch size ${smaller.toLocaleString('en-US')} or a smaller input size` : NOTHING_FITS;
  return `ran out of memory${where}: ${stepNeeds(estimate)} and this machine could not provide it — ${advice}`;
}

const NOTHING_FITS = 'not even one image fits: use a smaller input size or a smaller model';

function stepNeeds(estimate: MemoryEstimate): string {
  return (
    `a training step needs about ${formatBytes(estimate.stepBytes)} at batch size ${estimate.batchSize} ` +
    `(${formatBytes(estimate.perExampleBytes)} of activations per image, ` +
    `${formatBytes(estimate.fixedBytes)} for weights, gradients and optimizer state)`
  );
}

/** `1536` → `1.5 KB`, `3.2e9` → `3.0 GB` (powers of 1024). */
export function formatBytes(count: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
