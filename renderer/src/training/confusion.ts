/**
 * Confusion-matrix presentation: each cell shaded by the share of its true class (row) that
 * landed there — blue on the diagonal (right), red off it (wrong) — so a glance shows which
 * classes are confused, whatever the test set's class sizes.
 */

export interface ConfusionCell {
  count: number;
  /** count / row total, 0 when the row is empty. */
  fraction: number;
  correct: boolean;
  background: string;
  /** Dark text on light cells, white on dark ones. */
  color: string;
}

const RIGHT = [47, 107, 255]; // the accent blue
const WRONG = [217, 45, 32]; // the error red

/**
 * The colour of a cell: transparent at 0, full colour at 1. Off-diagonal cells are scaled
 * up (×2.5, capped) because even 10 % confusion matters and would otherwise look empty.
 */
export function cellShade(fraction: number, correct: boolean): { background: string; color: string } {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const alpha = correct ? f : Math.min(1, f * 2.5);
  const [r, g, b] = correct ? RIGHT : WRONG;
  return {
    background: `rgba(${r}, ${g}, ${b}, ${alpha.toFixed(3)})`,
    color: alpha > 0.55 ? '#ffffff' : '#1d2330',
  };
}

/** Cells of `confusion[trueClass][predictedClass]`, row-normalized and shaded. */
export function confusionCells(confusion: readonly (readonly number[])[]): ConfusionCell[][] {
  return confusion.map((row, t) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return row.map((count, p) => {
      const fraction = total > 0 ? count / total : 0;
      return { count, fraction, correct: t === p, ...cellShade(fraction, t === p) };
    });
  });
}

/** Accuracy per true class (diagonal / row total; NaN for a class absent from the test set). */
export function perClassAccuracy(confusion: readonly (readonly number[])[]): number[] {
  return confusion.map((row, t) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return total > 0 ? (row[t] ?? 0) / total : Number.NaN;
  });
}
