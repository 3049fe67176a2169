import { describe, expect, it } from 'vitest';
import { cellShade, confusionCells, perClassAccuracy } from './confusion';

const alpha = (css: string) => Number(/,\s*([\d.]+)\)$/.exec(css)![1]);

describe('confusion matrix shading', () => {
  const confusion = [
    [90, 10, 0],
    [30, 60, 10],
    [0, 0, 0],
  ];

  it('shades by the share of the true class, blue on the diagonal and red off it', () => {
    const cells = confusionCells(confusion);
    expect(cells[0][0]).toMatchObject({ count: 90, fraction: 0.9, correct: true });
    expect(cells[0][0].background).toMatch(/^rgba\(37, 88, 230/);
    expect(cells[1][0].background).toMatch(/^rgba\(217, 45, 32/);
    expect(alpha(cells[0][0].background)).toBeCloseTo(0.9);
    expect(alpha(cells[0][2].background)).toBe(0);
  });

  it('makes small confusions visible (scaled up) and caps at full colour', () => {
    expect(alpha(cellShade(0.1, false).background)).toBeCloseTo(0.25);
    expect(alpha(cellShade(0.9, false).background)).toBe(1);
    expect(alpha(cellShade(0.1, true).background)).toBeCloseTo(0.1);
  });

  it('uses white text on dark cells only', () => {
    expect(cellShade(1, true).color).toBe('#ffffff');
    expect(cellShade(0.1, true).color).not.toBe('#ffffff');
  });

  it('gives every shade a count colour with at least 4.5:1 contrast (WCAG AA)', () => {
    const luminance = (rgb: number[]) => 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
    const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    for (const correct of [true, false])
      for (let i = 0; i <= 100; i++) {
        const { background, color } = cellShade(i / 100, correct);
        const [r, g, b, a] = background.match(/[\d.]+/g)!.map(Number);
        const painted = [r, g, b].map((c) => c * a + 255 * (1 - a));
        const text = color === '#ffffff' ? [255, 255, 255] : [0, 0, 0];
        const [hi, lo] = [luminance(painted), luminance(text)].sort((x, y) => y - x);
        expect((hi + 0.05) / (lo + 0.05)).toBeGreaterThanOrEqual(4.5);
      }
  });

  it('treats an empty row as 0 (no division by zero) and per-class accuracy as NaN there', () => {
    const cells = confusionCells(confusion);
    expect(cells[2].every((c) => c.fraction === 0)).toBe(true);
    const accuracy = perClassAccuracy(confusion);
    expect(accuracy[0]).toBeCloseTo(0.9);
    expect(accuracy[1]).toBeCloseTo(0.6);
    expect(accuracy[2]).toBeNaN();
  });
});
