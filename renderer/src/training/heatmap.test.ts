import { describe, expect, it } from 'vitest';
import { heatColor, heatGradientCss, heatmapRgba } from './heatmap';

describe('heatmap colours', () => {
  it('runs from a faint blue at 0 to a strong red at 1, clamping outside values', () => {
    const [r0, , b0, a0] = heatColor(0);
    const [r1, , b1, a1] = heatColor(1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(a1).toBeGreaterThan(a0);
    expect(heatColor(-3)).toEqual(heatColor(0));
    expect(heatColor(7)).toEqual(heatColor(1));
    expect(heatColor(Number.NaN)).toEqual(heatColor(0));
  });

  it('grows more opaque with the value', () => {
    const alphas = [0, 0.25, 0.5, 0.75, 1].map((v) => heatColor(v)[3]);
    for (let i = 1; i < alphas.length; i++) expect(alphas[i]).toBeGreaterThan(alphas[i - 1]);
  });

  it('turns a row-major map into RGBA pixels, and refuses a wrong size', () => {
    const rgba = heatmapRgba([0, 1, 0.5, 0], 2, 2);
    expect(rgba).toHaveLength(16);
    expect(Array.from(rgba.slice(4, 8))).toEqual(heatColor(1));
    expect(Array.from(rgba.slice(8, 12))).toEqual(heatColor(0.5));
    expect(() => heatmapRgba([0, 1, 0], 2, 2)).toThrow(/2×2 heatmap needs 4 values, got 3/);
  });

  it('has a legend gradient from the first stop to the last', () => {
    expect(heatGradientCss()).toMatch(/^linear-gradient\(to right, rgb\(48, 18, 196\) 0%.*100%\)$/);
  });
});
