/**
 * Grad-CAM heatmaps as pixels: each value (0…1) becomes a colour of a "jet"-like ramp —
 * blue, cyan, green, yellow, red — whose opacity grows with the value, so the image stays
 * visible where the model found nothing and the evidence glows where it did.
 */

/** Colour stops of the ramp, from 0 to 1. */
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [48, 18, 196], // deep blue
  [0, 170, 255], // cyan
  [40, 200, 80], // green
  [255, 220, 0], // yellow
  [230, 20, 20], // red
];

/** Opacity at value 0 and at value 1. */
const MIN_ALPHA = 0.1;
const MAX_ALPHA = 0.75;

/** `[r, g, b, a]` (0–255) for a value, clamped to 0…1 (NaN counts as 0). */
export function heatColor(value: number): [number, number, number, number] {
  const v = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  const position = v * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(position));
  const t = position - i;
  const [r0, g0, b0] = STOPS[i];
  const [r1, g1, b1] = STOPS[i + 1];
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return [mix(r0, r1), mix(g0, g1), mix(b0, b1), Math.round(255 * (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * v))];
}

/** RGBA pixels (`width × height × 4`) of a row-major heatmap. */
export function heatmapRgba(
  values: ArrayLike<number>,
  width: number,
  height: number,
): Uint8ClampedArray<ArrayBuffer> {
  if (values.length !== width * height)
    throw new RangeError(`a ${width}×${height} heatmap needs ${width * height} values, got ${values.length}`);
  const rgba = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  for (let i = 0; i < values.length; i++) rgba.set(heatColor(values[i]), i * 4);
  return rgba;
}

/** CSS gradient of the ramp, for the legend. */
export function heatGradientCss(): string {
  const stops = STOPS.map(([r, g, b], i) => `rgb(${r}, ${g}, ${b}) ${(i / (STOPS.length - 1)) * 100}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
