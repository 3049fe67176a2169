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

const RIGHT = [37, 88, 230]; // the accent blue (--accent)
const WRONG = [217, 45, 32]; // the error red

/** WCAG relative luminance of an sRGB colour (0–255 channels). */
function luminance([r, g, b]: readonly number[]): number {
  const linear = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * The colour of a cell: transparent at 0, full colour at 1. Off-diagonal cells are scaled
 * up (×2.5, capped) because even 10 % confusion matters and would otherwise look empty.
 * The count is black or white, whichever contrasts more with the shade as painted on the
 * white panel: between the two, every shade reaches WCAG's 4.5:1 (a dark grey would not —
 * mid-tone shades fell to 3.2:1).
 */
export function cellShade(fraction: number, correct: boolean): { background: string; color: string } {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const alpha = correct ? f : Math.min(1, f * 2.5);
  const [r, g, b] = correct ? RIGHT : WRONG;
  const painted = [r, g, b].map((c) => c * alpha + 255 * (1 - alpha));
  const light = luminance(painted);
  const onWhite = 1.05 / (light + 0.05);
  const onBlack = (light + 0.05) / 0.05;
  return {
    background: `rgba(${r}, ${g}, ${b}, ${alpha.toFixed(3)})`,
    color: onWhite >= onBlack ? '#ffffff' : '#000000',
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
