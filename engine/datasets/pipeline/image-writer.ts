/**
 * Turns one stored image (bytes, HWC) into model input (floats, HWC) inside a batch buffer:
 * scale to [0, 1], adapt channels, optionally flip/translate (augmentation), then resize
 * bilinearly to the target size. Scratch buffers and resize tables are made once per writer,
 * so writing an image allocates nothing.
 */
import { axisTable } from './resize-table';

/** Per-image augmentation: a horizontal flip and a translation in stored pixels. */
export interface Placement {
  flip: boolean;
  /** Shift right by `dx` and down by `dy` stored pixels; uncovered pixels are 0. */
  dx: number;
  dy: number;
}

export const NO_AUGMENTATION: Placement = { flip: false, dx: 0, dy: 0 };

/** ITU-R BT.601 luma weights, as PIL's `convert('L')` uses for RGB → grey. */
const LUMA = [0.299, 0.587, 0.114] as const;
const BYTE_TO_UNIT = 1 / 255;

/** Writes stored images of one shape into float buffers of the target shape. */
export interface ImageWriter {
  /** Writes image `index` of `images` to `out` starting at `outOffset`. */
  write(images: Uint8Array, index: number, out: Float32Array, outOffset: number, placement: Placement): void;
}

/**
 * A writer from `[height, width, channels]` bytes to `[targetH, targetW, targetC]` floats.
 * Channels: equal counts copy; 1 → 3 repeats the grey value; 3 → 1 takes BT.601 luma.
 */
export function createImageWriter(
  source: readonly [number, number, number],
  target: readonly [number, number, number],
): ImageWriter {
  const [h, w, cs] = source;
  const [outH, outW, ct] = target;
  if (!(cs === ct || (cs === 1 && ct === 3) || (cs === 3 && ct === 1))) {
    throw new Error(
      `Cannot adapt ${cs}-channel images to a ${ct}-channel model input (supported: 1↔3 and equal).`,
    );
  }
  const imageBytes = h * w * cs;
  const needsResize = h !== outH || w !== outW;
  // Stage 1 output: the normalized, channel-adapted, augmented image at the stored size.
  const plane = needsResize ? new Float32Array(h * w * ct) : null;
  // Stage 2 output: rows resized horizontally (h rows of outW pixels).
  const rows = needsResize ? new Float32Array(h * outW * ct) : null;
  const across = axisTable(w, outW);
  const down = axisTable(h, outH);

  /** Stage 1: bytes → [0,1] floats with target channels, flip and translation applied. */
  function toPlane(
    images: Uint8Array,
    base: number,
    dst: Float32Array,
    dstOffset: number,
    p: Placement,
  ): void {
    const plain = !p.flip && p.dx === 0 && p.dy === 0;
    if (plain && cs === ct) {
      for (let i = 0; i < imageBytes; i++) dst[dstOffset + i] = images[base + i] * BYTE_TO_UNIT;
      return;
    }
    for (let y = 0; y < h; y++) {
      const sy = y - p.dy;
      const rowOut = dstOffset + y * w * ct;
      if (sy < 0 || sy >= h) {
        dst.fill(0, rowOut, rowOut + w * ct);
        continue;
      }
      for (let x = 0; x < w; x++) {
        const sx = (p.flip ? w - 1 - x : x) - p.dx;
        const o = rowOut + x * ct;
        if (sx < 0 || sx >= w) {
          for (let c = 0; c < ct; c++) dst[o + c] = 0;
          continue;
        }
        const s = base + (sy * w + sx) * cs;
        if (cs === ct) {
          for (let c = 0; c < ct; c++) dst[o + c] = images[s + c] * BYTE_TO_UNIT;
        } else if (cs === 1) {
          const v = images[s] * BYTE_TO_UNIT;
          dst[o] = v;
          dst[o + 1] = v;
          dst[o + 2] = v;
        } else {
          dst[o] = (LUMA[0] * images[s] + LUMA[1] * images[s + 1] + LUMA[2] * images[s + 2]) * BYTE_TO_UNIT;
        }
      }
    }
  }

  /** Stages 2 and 3: separable bilinear resize, rows first (h × outW), then columns. */
  function resize(src: Float32Array, out: Float32Array, outOffset: number): void {
    const tmp = rows!;
    const { lower: xl, upper: xu, weight: xw } = across;
    for (let y = 0; y < h; y++) {
      const rowIn = y * w * ct;
      const rowOut = y * outW * ct;
      if (ct === 1) {
        // The common grey case without the channel loop (about twice as fast).
        for (let x = 0; x < outW; x++) {
          const a = src[rowIn + xl[x]];
          tmp[rowOut + x] = a + (src[rowIn + xu[x]] - a) * xw[x];
        }
        continue;
      }
      for (let x = 0; x < outW; x++) {
        const a = rowIn + xl[x] * ct;
        const b = rowIn + xu[x] * ct;
        const t = xw[x];
        for (let c = 0; c < ct; c++) tmp[rowOut + x * ct + c] = src[a + c] + (src[b + c] - src[a + c]) * t;
      }
    }
    const rowLength = outW * ct;
    const { lower: yl, upper: yu, weight: yw } = down;
    for (let y = 0; y < outH; y++) {
      const a = yl[y] * rowLength;
      const b = yu[y] * rowLength;
      const t = yw[y];
      const o = outOffset + y * rowLength;
      if (t === 0) {
        for (let k = 0; k < rowLength; k++) out[o + k] = tmp[a + k];
        continue;
      }
      for (let k = 0; k < rowLength; k++) out[o + k] = tmp[a + k] + (tmp[b + k] - tmp[a + k]) * t;
    }
  }

  return {
    write(images, index, out, outOffset, placement) {
      const base = index * imageBytes;
      if (!plane) {
        toPlane(images, base, out, outOffset, placement);
        return;
      }
      toPlane(images, base, plane, 0, placement);
      resize(plane, out, outOffset);
    },
  };
}
