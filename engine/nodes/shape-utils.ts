/**
 * Shape arithmetic shared by the node definitions: checking what arrives at a node and
 * the output size of a sliding window (convolution or pooling).
 */
import type { Padding, Shape } from '../graph/document';
import { ShapeError, type WindowSize } from './types';

/** A window size as `[height, width]`. */
export function sizePair(size: WindowSize): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/** True when the size is `n` along both axes. */
export function sizeIs(size: WindowSize, n: number): boolean {
  const [h, w] = sizePair(size);
  return h === n && w === n;
}

/** True when two sizes are equal along both axes (`2` equals `[2, 2]`). */
export function sameSize(a: WindowSize, b: WindowSize): boolean {
  const [ah, aw] = sizePair(a);
  const [bh, bw] = sizePair(b);
  return ah === bh && aw === bw;
}

/** A size for the node face: `3` when square, `1×7` otherwise. */
export function sizeTag(size: WindowSize): string {
  const [h, w] = sizePair(size);
  return h === w ? `${h}` : `${h}×${w}`;
}

/** A window for the node face: `3×3`, `1×7`. */
export function formatWindow(size: WindowSize): string {
  const [h, w] = sizePair(size);
  return `${h}×${w}`;
}

/** `[28, 28, 1]`: how shapes are quoted in messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The number of elements in a per-example shape. */
export function shapeSize(shape: Shape): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Checks a node has exactly one input and returns it. */
export function singleInput(label: string, inputs: readonly Shape[]): Shape {
  if (inputs.length !== 1) {
    throw new ShapeError(`${label} takes exactly 1 input, got ${inputs.length}`);
  }
  return inputs[0];
}

/**
 * Checks the single input is an image `[h, w, c]` and returns it. A vector input means a
 * Flatten came too early, which the message says.
 */
export function singleImageInput(label: string, inputs: readonly Shape[]): readonly [number, number, number] {
  const shape = singleInput(label, inputs);
  if (shape.length !== 3) {
    throw new ShapeError(
      `${label} needs an image [height, width, channels], got ${formatShape(shape)}` +
        (shape.length === 1 ? ' (a vector: is there a Flatten or Dense before it?)' : ''),
    );
  }
  return [shape[0], shape[1], shape[2]];
}

/** The extent of a kernel with holes: `dilation × (k − 1) + 1`. */
export function effectiveKernel(kernelSize: number, dilation = 1): number {
  return dilation * (kernelSize - 1) + 1;
}

/**
 * Output length of a sliding window along one axis.
 * - numeric padding `p` (pixels per side, PyTorch): `floor((n + 2p − k_eff) / s) + 1`
 * - `'valid'`: the same with p = 0
 * - `'same'` (tfjs/Keras): `ceil(n / s)`
 */
export function windowOutputSize(
  size: number,
  kernelSize: number,
  strides: number,
  padding: Padding,
  dilation = 1,
): number {
  if (padding === 'same') return Math.ceil(size / strides);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((size + 2 * pad - effectiveKernel(kernelSize, dilation)) / strides) + 1;
}

/**
 * The padding part of a node-face summary: `p2` for 2 pixels, `same`, or `null` when
 * nothing is added (0 or 'valid').
 */
export function paddingTag(padding: Padding): string | null {
  if (typeof padding === 'number') return padding > 0 ? `p${padding}` : null;
  return padding === 'same' ? 'same' : null;
}

/** Human text for a padding value: `padding 2`, `'same'`. */
export function formatPadding(padding: Padding): string {
  return typeof padding === 'number' ? `padding ${padding}` : `padding '${padding}'`;
}

/**
 * The spatial output `[oh, ow]` of a window op on `[h, w, …]`, or a `spatial-too-small`
 * ShapeError naming the sizes when the window does not fit.
 */
export function windowOutput(
  label: string,
  input: readonly [number, number, number],
  kernelSize: WindowSize,
  strides: WindowSize,
  padding: Padding,
  dilation: WindowSize = 1,
): [number, number] {
  const [h, w] = input;
  const [kh, kw] = sizePair(kernelSize);
  const [sh, sw] = sizePair(strides);
  const [dh, dw] = sizePair(dilation);
  const oh = windowOutputSize(h, kh, sh, padding, dh);
  const ow = windowOutputSize(w, kw, sw, padding, dw);
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError(
      `${label}: a ${effectiveKernel(kh, dh)}×${effectiveKernel(kw, dw)} window with ${formatPadding(padding)} does not fit a ${h}×${w} input ` +
        `(output would be ${oh}×${ow}); use a smaller kernel, more padding, or a larger input`,
      'spatial-too-small',
    );
  }
  return [oh, ow];
}
