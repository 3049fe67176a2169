/**
 * Padding as explicit pixel counts, for targets that only understand numbers (PyTorch) or
 * only `valid`/`same` (Keras). TensorFlow's `same` pads `total = max((ceil(n/s) - 1)·s +
 * (k - 1)·d + 1 - n, 0)` pixels, the smaller half before and the larger after.
 */
import type { Padding } from '../graph/document';
import { sizePair } from '../nodes/shape-utils';
import type { WindowSize } from '../nodes/types';

export interface ExplicitPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function samePad(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The pixels a padding setting adds on each side of an `[h, w]` input (sizes per axis or square). */
export function explicitPadding(
  padding: Padding,
  input: readonly [number, number],
  kernel: WindowSize,
  stride: WindowSize,
  dilation: WindowSize = 1,
): ExplicitPadding {
  if (typeof padding === 'number') return { top: padding, bottom: padding, left: padding, right: padding };
  if (padding === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  const [kh, kw] = sizePair(kernel);
  const [sh, sw] = sizePair(stride);
  const [dh, dw] = sizePair(dilation);
  const [top, bottom] = samePad(input[0], kh, sh, dh);
  const [left, right] = samePad(input[1], kw, sw, dw);
  return { top, bottom, left, right };
}

/** The single per-side amount when all four sides agree, else null. */
export function symmetricAmount(pad: ExplicitPadding): number | null {
  return pad.top === pad.bottom && pad.left === pad.right && pad.top === pad.left ? pad.top : null;
}

/**
 * PyTorch's form of a window layer's padding: the `padding=` amount when all sides agree
 * (and, for pools, PyTorch accepts it: at most half the kernel), else a pad module in front.
 */
export function torchPadding(
  padding: Padding,
  input: readonly [number, number],
  kernel: WindowSize,
  stride: WindowSize,
  dilation: WindowSize,
  fill: 'zero' | '-inf',
): { amount: number; padModule: string | null } {
  const pad = explicitPadding(padding, input, kernel, stride, dilation);
  const amount = symmetricAmount(pad);
  if (amount !== null && (fill === 'zero' || amount <= Math.floor(Math.min(...sizePair(kernel)) / 2)))
    return { amount, padModule: null };
  const sides = `(${pad.left}, ${pad.right}, ${pad.top}, ${pad.bottom})`;
  return {
    amount: 0,
    padModule: fill === 'zero' ? `nn.ZeroPad2d(${sides})` : `nn.ConstantPad2d(${sides}, float('-inf'))`,
  };
}

/** A size, stride or dilation as a Python argument: `3`, or `(1, 7)` when not square. */
export function pySize(size: WindowSize): string {
  const [h, w] = sizePair(size);
  return h === w ? `${h}` : `(${h}, ${w})`;
}

/** A padding as a Keras helper argument: pixels, or 'same' / 'valid'. */
export function kerasPaddingArg(padding: Padding): string {
  return typeof padding === 'number' ? String(padding) : JSON.stringify(padding);
}
