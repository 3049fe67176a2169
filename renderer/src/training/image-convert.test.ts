import { describe, expect, it } from 'vitest';
import { base64ToBytes } from './base64';
import { hasLightBackground, rgbaToSampleImage, sampleToRgba } from './image-convert';

/** A w×h RGBA image filled with one gray level and a brighter/darker centre pixel. */
function image(w: number, h: number, background: number, centre: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) rgba.set([background, background, background, 255], p * 4);
  const c = (Math.floor(h / 2) * w + Math.floor(w / 2)) * 4;
  rgba.set([centre, centre, centre, 255], c);
  return rgba;
}

describe('image → SampleImage', () => {
  it('converts RGBA to grayscale bytes with BT.601 luma', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
    const sample = rgbaToSampleImage(rgba, 2, 2, { channels: 1, label: 3 });
    expect(sample).toMatchObject({ width: 2, height: 2, channels: 1, label: 3 });
    expect([...base64ToBytes(sample.pixels)]).toEqual([76, 150, 29, 255]);
  });

  it('keeps RGB when asked for 3 channels and treats transparent pixels as black', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 255, 200, 200, 200, 0]);
    const sample = rgbaToSampleImage(rgba, 2, 1, { channels: 3 });
    expect([...base64ToBytes(sample.pixels)]).toEqual([10, 20, 30, 0, 0, 0]);
  });

  it('auto-inverts a dark drawing on a light background (datasets are light on black)', () => {
    const light = image(5, 5, 250, 0);
    expect(hasLightBackground(light, 5, 5)).toBe(true);
    const bytes = base64ToBytes(rgbaToSampleImage(light, 5, 5, { channels: 1, invert: 'auto' }).pixels);
    expect(bytes[0]).toBe(5);
    expect(bytes[12]).toBe(255);
    const dark = image(5, 5, 0, 255);
    expect(hasLightBackground(dark, 5, 5)).toBe(false);
    expect(base64ToBytes(rgbaToSampleImage(dark, 5, 5, { channels: 1, invert: 'auto' }).pixels)[12]).toBe(
      255,
    );
  });

  it('refuses a buffer of the wrong size, naming the sizes', () => {
    expect(() => rgbaToSampleImage(new Uint8ClampedArray(10), 2, 2, { channels: 1 })).toThrow(
      /2×2×4 = 16 RGBA bytes, got 10/,
    );
  });

  it('round-trips through sampleToRgba for drawing', () => {
    const sample = rgbaToSampleImage(image(3, 3, 0, 200), 3, 3, { channels: 1 });
    const rgba = sampleToRgba(sample);
    expect([...rgba.subarray(16, 20)]).toEqual([200, 200, 200, 255]);
    expect(() => sampleToRgba({ ...sample, width: 4 })).toThrow(/should have 12 bytes, got 9/);
  });
});
