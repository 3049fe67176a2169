/**
 * How much memory a training step needs: activations × batch for the forward and backward
 * pass, plus weights, gradients and optimizer state — estimated from the graph analysis
 * before anything is allocated, against a budget (`CNN_STUDIO_MEMORY_LIMIT_MB`, or a share
 * of the machine's memory). The same figures explain a real out-of-memory error.
 */
import { totalmem } from 'node:os';
import type { TrainingSettings } from '../graph/document';
import type { GraphAnalysis } from '../graph/types';
import { TrainingError } from './training-error';

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

/** The environment variable that sets the memory budget in megabytes. */
export const MEMORY_LIMIT_ENV = 'CNN_STUDIO_MEMORY_LIMIT_MB';
/** Share of the machine's (or the container's) memory a run may plan to use by default. */
const DEFAULT_MEMORY_SHARE = 0.7;
/**
 * Activation bytes a step holds per image, as a multiple of the graph's output sizes: the
 * forward outputs kept for the backward pass, their gradients, and the backend's temporaries
 * (pre-activation copies, pooling masks). An estimate, deliberately on the safe side.
 */
const ACTIVATION_FACTOR = 3;

/** The memory budget: `CNN_STUDIO_MEMORY_LIMIT_MB`, else 70% of total (or cgroup-limited) memory. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): MemoryBudget {
  const given = env[MEMORY_LIMIT_ENV];
  if (given !== undefined && given.trim() !== '') {
    const megabytes = Number(given);
    if (!(Number.isFinite(megabytes) && megabytes > 0))
      throw new TrainingError(`${MEMORY_LIMIT_ENV} must be a number of megabytes above 0, got "${given}"`);
    return { bytes: megabytes * 2 ** 20, source: `${MEMORY_LIMIT_ENV}=${given}` };
  }
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = constrained > 0 ? Math.min(totalmem(), constrained) : totalmem();
  return {
    bytes: total * DEFAULT_MEMORY_SHARE,
    source: `${DEFAULT_MEMORY_SHARE * 100}% of this machine's ${formatBytes(total)}`,
  };
}

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
  budget: MemoryBudget = memoryBudget(),
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
