/**
 * The settings of a resumed run: it continues the run it was — dataset, image limit,
 * validation split, seed, batch size, schedule — so everything comes from the checkpoint
 * except what the person overrides explicitly, and they are told which those are.
 */
import type { TrainingSettings } from '../graph/document';
import type { CheckpointState } from './checkpoint';

/** One setting a resumed run takes from the request instead of the checkpoint. */
export interface Override {
  setting: keyof TrainingSettings | 'limit' | 'graph';
  checkpoint: unknown;
  given: unknown;
}

export interface ResumeSettings {
  training: TrainingSettings;
  /** Training image limit (null: all images). */
  limit: number | null;
  /** The settings that differ from the checkpoint's, in `TrainingSettings` order. */
  overridden: Override[];
}

/**
 * The checkpoint's settings with `given` on top. A given value equal to the checkpoint's is
 * not an override; `limit: undefined` keeps the checkpoint's limit.
 *
 * @example
 * resumeSettings(state, { training: { epochs: 20 } }).overridden
 * // [{ setting: 'epochs', checkpoint: 10, given: 20 }]
 */
export function resumeSettings(
  state: Pick<CheckpointState, 'training' | 'limit'>,
  given: { training?: Partial<TrainingSettings>; limit?: number | null },
): ResumeSettings {
  const training: TrainingSettings = { ...state.training };
  const overridden: Override[] = [];
  for (const key of Object.keys(state.training) as Array<keyof TrainingSettings>) {
    const value = given.training?.[key];
    if (value === undefined || value === state.training[key]) continue;
    overridden.push({ setting: key, checkpoint: state.training[key], given: value });
    (training as unknown as Record<string, unknown>)[key] = value;
  }
  let limit = state.limit;
  if (given.limit !== undefined && given.limit !== state.limit) {
    overridden.push({ setting: 'limit', checkpoint: state.limit, given: given.limit });
    limit = given.limit;
  }
  return { training, limit, overridden };
}

/**
 * One line about where a resumed run's settings come from, e.g.
 * `epochs 20 (the checkpoint has 10) given explicitly; the other settings come from the checkpoint`.
 */
export function describeOverrides(overridden: readonly Override[]): string {
  if (overridden.length === 0) return 'every setting comes from the checkpoint';
  const list = overridden
    .map(
      ({ setting, checkpoint, given }) =>
        `${setting} ${show(given)} (the checkpoint has ${show(checkpoint)})`,
    )
    .join(', ');
  return `overridden: ${list}; the other settings come from the checkpoint`;
}

function show(value: unknown): string {
  return value === null ? 'none' : typeof value === 'string' ? `"${value}"` : String(value);
}
