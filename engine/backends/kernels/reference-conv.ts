/**
 * Naive convolution gradients written straight from the definitions: the reference the kernel
 * tests and the backend smoke test compare against. Slow on purpose; use on small tensors only.
 */
import type { Tf } from './kernel-runner';

export interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  dilation: number;
  pad: 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];
}

/** Output size, padding and shapes of a forward convolution, via tfjs's own geometry. */
export function convGeometry(tf: Tf, c: ConvCase) {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels],
    [c.kernel, c.kernel, c.inChannels, c.outChannels],
    c.stride,
    c.dilation,
    c.pad,
  );
  return info;
}

/** dW from the definition: Σ x[n, oh·s + kh·d − pt, ow·s + kw·d − pl, ci] · dy[n, oh, ow, co]. */
export function referenceFilterGrad(tf: Tf, c: ConvCase, x: Float32Array, dy: Float32Array): Float32Array {
  const g = convGeometry(tf, c);
  const { outHeight: oh, outWidth: ow } = g;
  const out = new Float32Array(c.kernel * c.kernel * c.inChannels * c.outChannels);
  for (let kh = 0; kh < c.kernel; kh++)
    for (let kw = 0; kw < c.kernel; kw++)
      for (let n = 0; n < c.batch; n++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            const h = i * c.stride + kh * c.dilation - g.padInfo.top;
            const w = j * c.stride + kw * c.dilation - g.padInfo.left;
            if (h < 0 || h >= c.height || w < 0 || w >= c.width) continue;
            for (let ci = 0; ci < c.inChannels; ci++) {
              const xv = x[((n * c.height + h) * c.width + w) * c.inChannels + ci];
              for (let co = 0; co < c.outChannels; co++) {
                out[((kh * c.kernel + kw) * c.inChannels + ci) * c.outChannels + co] +=
                  xv * dy[((n * oh + i) * ow + j) * c.outChannels + co];
              }
            }
          }
  return out;
}

/** dx from the definition: Σ dy[n, oh, ow, co] · W[kh, kw, ci, co] over taps landing on (h, w). */
export function referenceInputGrad(
  tf: Tf,
  c: ConvCase,
  dy: Float32Array,
  filter: Float32Array,
): Float32Array {
  const g = convGeometry(tf, c);
  const { outHeight: oh, outWidth: ow } = g;
  const out = new Float32Array(c.batch * c.height * c.width * c.inChannels);
  for (let n = 0; n < c.batch; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let kh = 0; kh < c.kernel; kh++)
          for (let kw = 0; kw < c.kernel; kw++) {
            const h = i * c.stride + kh * c.dilation - g.padInfo.top;
            const w = j * c.stride + kw * c.dilation - g.padInfo.left;
            if (h < 0 || h >= c.height || w < 0 || w >= c.width) continue;
            for (let ci = 0; ci < c.inChannels; ci++) {
              let sum = 0;
              for (let co = 0; co < c.outChannels; co++) {
                sum +=
                  dy[((n * oh + i) * ow + j) * c.outChannels + co] *
                  filter[((kh * c.kernel + kw) * c.inChannels + ci) * c.outChannels + co];
              }
              out[((n * c.height + h) * c.width + w) * c.inChannels + ci] += sum;
            }
          }
  return out;
}

/** Deterministic uniform values in [-1, 1). */
export function randomArray(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Largest |a − b| divided by max(1, largest |b|): float32 rounding gives ~1e-6 … 1e-5. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
