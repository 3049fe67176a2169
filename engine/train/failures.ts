/**
 * Turning what goes wrong during training into sentences a person can act on: a loss that
 * became NaN (learning rate too high), running out of memory (model size × batch size),
 * a kernel the backend lacks.
 */
import type { OptimizerName } from '../graph/document';
import { outOfMemoryMessage, type MemoryEstimate } from './memory';
import { TrainingError } from './training-error';

export { TrainingError };

/** Learning rates that usually train the book's networks, per optimizer. */
const TYPICAL_RATE: Record<OptimizerName, number> = { sgd: 0.1, adam: 0.001, adamw: 0.001, rmsprop: 0.001 };

/** The rate to suggest after a divergence: a tenth of the current one, at most the typical one. */
export function suggestedLearningRate(optimizer: OptimizerName, learningRate: number): number {
  const tenth = Number((learningRate / 10).toPrecision(2));
  return Math.min(tenth, TYPICAL_RATE[optimizer] ?? 0.1);
}

/**
 * The error for a loss that is not a finite number: a training batch's loss, or (without
 * `batch`) the evaluation after an epoch, whose loss shows weights the last steps broke.
 *
 * @example
 * divergenceError(NaN, { epoch: 1, batch: 37, learningRate: 50, optimizer: 'sgd' }).message
 * // "loss became NaN at epoch 1 batch 37 — the learning rate 50 is probably too high; try 0.1"
 * divergenceError(NaN, { epoch: 2, learningRate: 50, optimizer: 'sgd', evaluatedOn: 'test' }).message
 * // "the test loss became NaN after epoch 2 — the learning rate 50 is probably too high; try 0.1"
 */
export function divergenceError(
  loss: number,
  where: {
    epoch: number;
    batch?: number;
    learningRate: number;
    optimizer: OptimizerName;
    evaluatedOn?: 'test' | 'validation';
  },
): TrainingError {
  const what = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'Infinity' : '-Infinity';
  const suggestion = suggestedLearningRate(where.optimizer, where.learningRate);
  const place =
    where.batch !== undefined
      ? `loss became ${what} at epoch ${where.epoch} batch ${where.batch}`
      : `the ${where.evaluatedOn ?? 'test'} loss became ${what} after epoch ${where.epoch}`;
  return new TrainingError(
    `${place} — the learning rate ${where.learningRate} is probably too high; try ${suggestion}`,
  );
}

/** Whether an error thrown by tfjs or V8 means an allocation failed. */
export function isOutOfMemory(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /out of memory|allocation failed|cannot allocate|failed to allocate|oom|memory access out of bounds|invalid array length|array buffer allocation/i.test(
    text,
  );
}

/** Whether an error says a kernel (op) is not available on the backend. */
export function missingKernelName(error: unknown): string | null {
  const text = error instanceof Error ? error.message : String(error);
  const match =
    /'(\w+)' not yet implemented/.exec(text) ??
    /[Kk]ernel '(\w+)' not registered/.exec(text) ??
    /gradient (?:function )?for (?:op |kernel )?'?(\w+)'? (?:is )?not (?:yet )?(?:defined|implemented|registered)/i.exec(
      text,
    );
  return match ? match[1] : null;
}

/** Errors from other engine layers whose messages are already written for people. */
const PHRASED_ERRORS = new Set([
  'TrainingError',
  'GraphInvalidError',
  'GraphLoadError',
  'DatasetError',
  'CheckpointError',
  'ForeignContentError',
]);

/** Context for explaining an unexpected error. */
export interface FailureContext {
  epoch?: number;
  batch?: number;
  batchSize: number;
  paramCount: number;
  backend?: string;
  /** The step's memory estimate, so running out of memory is explained with the same figures as the preflight. */
  memory?: MemoryEstimate;
}

/** A person-readable message for any error that ends a run. */
export function explainFailure(error: unknown, context: FailureContext): string {
  if (error instanceof TrainingError || PHRASED_ERRORS.has((error as Error)?.name))
    return (error as Error).message;
  const where =
    context.epoch !== undefined
      ? ` at epoch ${context.epoch}${context.batch !== undefined ? ` batch ${context.batch}` : ''}`
      : '';
  if (isOutOfMemory(error)) {
    if (context.memory) return outOfMemoryMessage(context.memory, where);
    const smaller = Math.max(1, Math.floor(context.batchSize / 2));
    return (
      `ran out of memory${where} training a model of ${context.paramCount.toLocaleString('en-US')} parameters ` +
      `with batch size ${context.batchSize} — try batch size ${smaller} or a smaller input size`
    );
  }
  const kernel = missingKernelName(error);
  if (kernel) {
    return (
      `the ${context.backend ?? 'selected'} backend has no '${kernel}' kernel, which training this model needs` +
      ` — remove the layer that uses it or choose another backend (CNN_STUDIO_BACKEND)`
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return `training failed${where}: ${message}`;
}
