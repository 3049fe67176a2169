/**
 * Learning-rate schedules: constant, step and cosine, each with an optional linear warm-up.
 * The trainer asks for the rate before every optimizer step, so schedules change per batch
 * (cosine, warm-up) or per epoch (step), as PyTorch's schedulers do.
 */
import type { TrainingSettings } from '../graph/document';

/** The settings a schedule reads. */
export type ScheduleSettings = Pick<
  TrainingSettings,
  'learningRate' | 'schedule' | 'stepEpochs' | 'stepGamma' | 'warmupEpochs' | 'epochs'
>;

/** Where training is: 0-based epoch, 0-based batch within it, and the epoch's batch count. */
export interface StepPosition {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
}

/**
 * The learning rate for one optimizer step.
 *
 * - `constant`: `learningRate`.
 * - `step`: `learningRate × stepGamma^⌊epoch / stepEpochs⌋`.
 * - `cosine`: from `learningRate` down to 0 over the epochs after the warm-up, per batch.
 * - warm-up (`warmupEpochs > 0`): rises linearly, per batch, from `learningRate / warmupSteps`
 *   to the scheduled rate at the end of the warm-up.
 *
 * @example
 * learningRateAt({ ...DEFAULT_TRAINING, learningRate: 1, schedule: 'step', stepEpochs: 2, stepGamma: 0.5 },
 *   { epoch: 3, batch: 0, batchesPerEpoch: 10 }); // 0.5
 */
export function learningRateAt(settings: ScheduleSettings, position: StepPosition): number {
  const { epoch, batch, batchesPerEpoch } = position;
  const perEpoch = Math.max(1, batchesPerEpoch);
  const step = epoch * perEpoch + batch;
  const warmupSteps = Math.max(0, Math.round(settings.warmupEpochs * perEpoch));
  const scheduled = scheduledRate(settings, epoch, step, warmupSteps, perEpoch);
  if (step < warmupSteps) return (scheduled * (step + 1)) / warmupSteps;
  return scheduled;
}

function scheduledRate(
  settings: ScheduleSettings,
  epoch: number,
  step: number,
  warmupSteps: number,
  perEpoch: number,
): number {
  const base = settings.learningRate;
  switch (settings.schedule) {
    case 'constant':
      return base;
    case 'step': {
      const every = Math.max(1, Math.round(settings.stepEpochs));
      return base * Math.pow(settings.stepGamma, Math.floor(epoch / every));
    }
    case 'cosine': {
      const decaySteps = settings.epochs * perEpoch - warmupSteps;
      if (decaySteps <= 0) return base;
      const progress = Math.min(1, Math.max(0, step - warmupSteps) / decaySteps);
      return 0.5 * base * (1 + Math.cos(Math.PI * progress));
    }
    default:
      throw new Error(
        `unknown learning-rate schedule '${String(settings.schedule)}' (use constant, step or cosine)`,
      );
  }
}
