/**
 * Bilinear resampling tables for one axis, computed once per (input size, output size) and
 * reused for every image: for each output position, the two input positions and the weight
 * of the second.
 *
 * Convention: half-pixel centres (`src = (dst + 0.5) · in/out − 0.5`, clamped to the edges),
 * as PyTorch's `interpolate(align_corners=False)` and PIL's bilinear upsampling — so an image
 * resized 28→224 here matches the book's `transforms.Resize` up to float rounding. No
 * antialiasing filter is applied when shrinking.
 */

/** One axis's resampling table. */
export interface AxisTable {
  inSize: number;
  outSize: number;
  /** First input index per output index. */
  lower: Int32Array;
  /** Second input index per output index (equal to `lower` at the edges). */
  upper: Int32Array;
  /** Weight of `upper`; `lower` gets `1 − weight`. */
  weight: Float32Array;
}

const tables = new Map<string, AxisTable>();

function buildAxisTable(inSize: number, outSize: number): AxisTable {
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const weight = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const source = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), inSize - 1);
    const low = Math.floor(source);
    lower[i] = low;
    upper[i] = Math.min(low + 1, inSize - 1);
    weight[i] = source - low;
  }
  return { inSize, outSize, lower, upper, weight };
}

/** The (memoized) table resampling `inSize` positions to `outSize`. */
export function axisTable(inSize: number, outSize: number): AxisTable {
  const key = `${inSize}>${outSize}`;
  let table = tables.get(key);
  if (!table) tables.set(key, (table = buildAxisTable(inSize, outSize)));
  return table;
}
