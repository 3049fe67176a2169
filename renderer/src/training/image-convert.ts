/**
 * Images between the browser and the engine: RGBA pixels from a canvas → `SampleImage`
 * (grayscale or RGB bytes, base64) for `predict`, and `SampleImage` → RGBA to draw dataset
 * samples and misclassified examples.
 */
import type { SampleImage } from '../../../engine/protocol/api';
import { base64ToBytes, bytesToBase64 } from './base64';

/** ITU-R BT.601 luma, as most image libraries convert RGB to gray. */
function luma(r: number, g: number, b: number): number {
  return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
}

/**
 * Whether an image has a light background (mean of its border pixels above mid-gray).
 * Fashion-MNIST and MNIST are light objects on black; a photo or scan on white must be
 * inverted to look like them.
 */
export function hasLightBackground(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
): boolean {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      const i = (y * width + x) * 4;
      sum += luma(rgba[i], rgba[i + 1], rgba[i + 2]);
      count++;
    }
  }
  return count > 0 && sum / count > 127;
}

export interface ToSampleOptions {
  /** 1 = grayscale, 3 = RGB. */
  channels: 1 | 3;
  /** Invert brightness (255 - v); `'auto'` inverts when the background is light. */
  invert?: boolean | 'auto';
  label?: number;
}

/**
 * RGBA bytes (as `getImageData` returns them, already at the size wanted) → a SampleImage.
 * Alpha is composited over black, so transparent pixels count as background.
 * Throws when the buffer does not hold width × height × 4 bytes.
 */
export function rgbaToSampleImage(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  options: ToSampleOptions,
): SampleImage {
  if (rgba.length !== width * height * 4) {
    throw new Error(`expected ${width}×${height}×4 = ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  }
  const invert =
    options.invert === 'auto' ? hasLightBackground(rgba, width, height) : (options.invert ?? false);
  const { channels } = options;
  const out = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const a = rgba[p * 4 + 3] / 255;
    const rgb = [rgba[p * 4] * a, rgba[p * 4 + 1] * a, rgba[p * 4 + 2] * a];
    const values = channels === 1 ? [luma(rgb[0], rgb[1], rgb[2])] : rgb.map(Math.round);
    for (let c = 0; c < channels; c++) out[p * channels + c] = invert ? 255 - values[c] : values[c];
  }
  return { width, height, channels, pixels: bytesToBase64(out), label: options.label ?? -1 };
}

/** A SampleImage as RGBA bytes for `new ImageData(...)`; throws when its pixels are the wrong size. */
export function sampleToRgba(sample: SampleImage): Uint8ClampedArray<ArrayBuffer> {
  const bytes = base64ToBytes(sample.pixels);
  const { width, height, channels } = sample;
  if (bytes.length !== width * height * channels) {
    throw new Error(
      `sample image ${width}×${height}×${channels} should have ${width * height * channels} bytes, got ${bytes.length}`,
    );
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = bytes[p * channels + (channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}
