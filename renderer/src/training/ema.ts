/**
 * Exponential moving average for noisy per-batch curves, debiased the way TensorBoard's
 * smoothing is: the first points are not dragged towards zero by the empty history.
 */

export interface EmaState {
  /** The biased running average. */
  biased: number;
  /** Sum of the weights given so far (1 - smoothing^n): divides out the start-up bias. */
  weight: number;
}

export const EMPTY_EMA: EmaState = { biased: 0, weight: 0 };

/**
 * One EMA step. `smoothing` in [0, 1): 0 = no smoothing, 0.9 = strong. A non-finite value
 * (a diverged loss) passes through as the smoothed value and leaves the average unchanged,
 * so one NaN does not poison the rest of the curve.
 *
 * @example
 * let s = EMPTY_EMA; let y: number;
 * [s, y] = emaStep(s, 2, 0.9); // y === 2 (debiased, not 0.2)
 */
export function emaStep(state: EmaState, value: number, smoothing: number): [EmaState, number] {
  if (!Number.isFinite(value)) return [state, value];
  const biased = smoothing * state.biased + (1 - smoothing) * value;
  const weight = smoothing * state.weight + (1 - smoothing);
  return [{ biased, weight }, biased / weight];
}

/** Smooths a whole series (nulls stay null and do not move the average). */
export function smoothSeries(values: ReadonlyArray<number | null>, smoothing: number): Array<number | null> {
  let state = EMPTY_EMA;
  return values.map((v) => {
    if (v === null) return null;
    const [next, y] = emaStep(state, v, smoothing);
    state = next;
    return y;
  });
}
