import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createKernelRunner, type KernelRunner, type Tf } from './kernel-runner';
import {
  explicitPad,
  forwardConv,
  type ConvCall,
  type ConvGradAttrs,
  type ForwardConv,
} from './conv2d-geometry';
import { copyRun, fillOnHost } from './backend-types';
import { fewerPositionsThanChannels, scatterAddPatchesTransposed } from './patches-matrix';

/**
 * Conv2DBackpropInput as forward convolutions (the backend's fast Conv2D does the work).
 *
 * Stride 1: one convolution of the padded dy with the spatially flipped filter whose in/out
 * channel axes are swapped, at the forward dilation.
 *
 * Strided (dilation 1): the input rows and columns fall into stride² phases by their position
 * modulo the stride, and each phase receives from only the filter taps of one residue class.
 * Each phase is one small stride-1 convolution of dy with that sub-filter, scattered into
 * every stride-th row and column of dx. Convolving a zero-dilated dy instead would spend
 * (1 − 1/stride²) of the multiplies on zeros: ¾ at stride 2, ~0.5 s of a ResNet-18 step on wasm.
 *
 * Few positions, many channels (ResNet's last stage): one matrix product W · dyᵀ gives the
 * transposed patch-matrix gradient [KH·KW·Ci, N·OH·OW], summed back into dx. The filter is
 * read in place and only the small dyᵀ is packed, where a convolution would flip, transpose
 * and repack the whole filter (3×3×512×512 in ResNet-18: ~60 → ~25 ms on wasm).
 */
export function conv2dBackpropInputConfig(tf: Tf, backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
    const g = forwardConv(tf, 'Conv2DBackpropInput', a.inputShape, filter.shape, a);
    const k = createKernelRunner(tf, backend, backendName);
    const call: ConvCall = { k, backend, backendName, g };
    if (fewerPositionsThanChannels(g)) return byMatMul(call, dy, filter);
    const phases = g.strideHeight * g.strideWidth > 1 ? phasePlan(g) : null;
    if (phases) return byPhases(call, dy, filter, phases);

    const dilated = dilateByStride(k, dy, g.strideHeight, g.strideWidth);
    const rows = spanPlan(
      g.outHeight * g.strideHeight,
      g.inHeight,
      g.filterHeight,
      g.dilationHeight,
      g.padTop,
    );
    const cols = spanPlan(g.outWidth * g.strideWidth, g.inWidth, g.filterWidth, g.dilationWidth, g.padLeft);

    const flipped = flipFilter(k, filter);
    const full = k.run(
      'Conv2D',
      { x: dilated, filter: flipped },
      {
        strides: [1, 1],
        dilations: [g.dilationHeight, g.dilationWidth],
        pad: explicitPad(rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter),
        dataFormat: 'NHWC',
      },
    );
    k.dispose(flipped);
    if (dilated !== dy) k.dispose(dilated);
    if (rows.crop === 0 && cols.crop === 0 && full.shape[1] === g.inHeight && full.shape[2] === g.inWidth)
      return full;
    const out = k.run(
      'Slice',
      { x: full },
      { begin: [0, rows.crop, cols.crop, 0], size: [g.batch, g.inHeight, g.inWidth, g.inChannels] },
    );
    k.dispose(full);
    return out;
  };
  return { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc: kernelFunc as KernelFunc };
}

/** The filter [KH,KW,Ci,Co] flipped spatially with in/out channels swapped: [KH,KW,Co,Ci]. */
function flipFilter(k: KernelRunner, filter: TensorInfo): TensorInfo {
  const reversed = k.run('Reverse', { x: filter }, { dims: [0, 1] });
  const flipped = k.run('Transpose', { x: reversed }, { perm: [0, 1, 3, 2] });
  k.dispose(reversed);
  return flipped;
}

/** dy [N,OH,OW,C] → [N,OH·sh,OW·sw,C] with the values at multiples of the stride, zeros between. */
function dilateByStride(k: KernelRunner, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const spread = k.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
  const padded = k.run(
    'PadV2',
    { x: spread },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  k.dispose(spread);
  const out = k.run('Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, c] });
  k.dispose(padded);
  return out;
}

/**
 * Padding along one axis for the "full" convolution over the dilated dy (length `dilatedLength`),
 * and how many leading output rows to crop, so that rows [crop, crop + inLength) are dx.
 * Input row i receives from dilated row j at tap t when i = j − pt + t·d, hence the flipped
 * filter starts (K−1)·d − pt rows before; a negative start becomes a crop of the output.
 */
function spanPlan(
  dilatedLength: number,
  inLength: number,
  kernel: number,
  dilation: number,
  padBefore: number,
) {
  const reach = (kernel - 1) * dilation;
  const start = reach - padBefore;
  const before = Math.max(0, start);
  const crop = before - start;
  const after = Math.max(0, crop + inLength - dilatedLength - before + reach);
  return { padBefore: before, padAfter: after, crop };
}

function byMatMul({ k, backend, backendName, g }: ConvCall, dy: TensorInfo, filter: TensorInfo): TensorInfo {
  const positions = g.batch * g.outHeight * g.outWidth;
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const weights = k.run('Reshape', { x: filter }, { shape: [1, rows, g.outChannels] });
  const dyMatrix = k.run('Reshape', { x: dy }, { shape: [1, positions, g.outChannels] });
  const dyT = k.run('Transpose', { x: dyMatrix }, { perm: [0, 2, 1] });
  k.dispose(dyMatrix);
  const colsT = k.run('BatchMatMul', { a: weights, b: dyT }, { transposeA: false, transposeB: false });
  k.dispose(weights, dyT);
  const shape = [g.batch, g.inHeight, g.inWidth, g.inChannels];
  const dx = fillOnHost(backend, backendName, shape, [colsT], (out, [cols]) =>
    scatterAddPatchesTransposed(out, cols, g),
  );
  k.dispose(colsT);
  return dx;
}

/** How one phase (rows ≡ `first` mod stride) of one axis of dx is computed. */
interface AxisPhase {
  /** The first dx row of the phase; its rows are first, first + stride, … */
  first: number;
  /** How many dx rows the phase has. */
  count: number;
  /** Filter taps that reach the phase (0: its rows get no gradient at all). */
  taps: number;
  /** Where the phase's sub-filter starts in the flipped filter (it takes every stride-th tap). */
  start: number;
  padBefore: number;
  padAfter: number;
}

/**
 * The phases of one axis. dx row i takes dy row o through tap t when i + pad = o·s + t, so
 * the taps t ≡ i + pad (mod s) serve row i, and row first + a·s is the sum over the phase's
 * taps j of dy[a + offset − j]·w[r + j·s]: a stride-1 "full" correlation of dy. Null when the
 * padding is so wide that it would need negative padding (the dilated path handles that).
 */
function axisPhases(
  inLength: number,
  outLength: number,
  kernel: number,
  stride: number,
  pad: number,
): AxisPhase[] | null {
  const phases: AxisPhase[] = [];
  for (let first = 0; first < stride; first++) {
    const count = first < inLength ? Math.ceil((inLength - first) / stride) : 0;
    const residue = (first + pad) % stride;
    const offset = Math.floor((first + pad) / stride);
    const taps = residue < kernel ? Math.ceil((kernel - residue) / stride) : 0;
    const padBefore = taps - 1 - offset;
    if (taps > 0 && count > 0 && padBefore < 0) return null;
    const padAfter = Math.max(0, count - outLength - padBefore + taps - 1);
    const start = kernel - 1 - residue - (taps - 1) * stride;
    phases.push({ first, count, taps, start, padBefore, padAfter });
  }
  return phases;
}

function phasePlan(g: ForwardConv): { rows: AxisPhase[]; cols: AxisPhase[] } | null {
  if (g.dilationHeight !== 1 || g.dilationWidth !== 1) return null;
  const rows = axisPhases(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, g.padTop);
  const cols = axisPhases(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.padLeft);
  return rows && cols ? { rows, cols } : null;
}

function byPhases(
  call: ConvCall,
  dy: TensorInfo,
  filter: TensorInfo,
  plan: { rows: AxisPhase[]; cols: AxisPhase[] },
): TensorInfo {
  const { k, backend, backendName, g } = call;
  const flipped = flipFilter(k, filter);
  const parts: Array<{ row: AxisPhase; col: AxisPhase; values: TensorInfo }> = [];
  try {
    for (const row of plan.rows) {
      for (const col of plan.cols) {
        if (row.taps === 0 || col.taps === 0 || row.count === 0 || col.count === 0) continue;
        const sub = subFilter(call, flipped, row, col);
        const values = k.run(
          'Conv2D',
          { x: dy, filter: sub },
          {
            strides: [1, 1],
            dilations: [1, 1],
            pad: explicitPad(row.padBefore, row.padAfter, col.padBefore, col.padAfter),
            dataFormat: 'NHWC',
          },
        );
        k.dispose(sub);
        parts.push({ row, col, values });
      }
    }
    const shape = [g.batch, g.inHeight, g.inWidth, g.inChannels];
    return fillOnHost(
      backend,
      backendName,
      shape,
      parts.map((p) => p.values),
      (dx, sources) => {
        // Rows and columns no tap reaches stay zero.
        if (parts.length < plan.rows.length * plan.cols.length) dx.fill(0);
        parts.forEach((part, i) => scatterPhase(dx, sources[i], part.values.shape, g, part.row, part.col));
      },
    );
  } finally {
    k.dispose(flipped, ...parts.map((p) => p.values));
  }
}

/** The flipped filter's taps that reach one phase: every stride-th, from the phase's start. */
function subFilter(
  { backend, backendName, g }: ConvCall,
  flipped: TensorInfo,
  row: AxisPhase,
  col: AxisPhase,
): TensorInfo {
  const block = g.outChannels * g.inChannels;
  const shape = [row.taps, col.taps, g.outChannels, g.inChannels];
  return fillOnHost(backend, backendName, shape, [flipped], (out, [all]) => {
    for (let u = 0; u < row.taps; u++) {
      for (let v = 0; v < col.taps; v++) {
        const from =
          ((row.start + u * g.strideHeight) * g.filterWidth + col.start + v * g.strideWidth) * block;
        out.set(all.subarray(from, from + block), (u * col.taps + v) * block);
      }
    }
  });
}

/** Copies a phase's [N, ≥count, ≥count, C] result into every stride-th row and column of dx. */
function scatterPhase(
  dx: Float32Array,
  phase: Float32Array,
  phaseShape: readonly number[],
  g: ForwardConv,
  row: AxisPhase,
  col: AxisPhase,
): void {
  const channels = g.inChannels;
  const [, phaseHeight, phaseWidth] = phaseShape;
  const rowStep = g.strideHeight * g.inWidth * channels;
  const colStep = g.strideWidth * channels;
  for (let n = 0; n < g.batch; n++) {
    for (let a = 0; a < row.count; a++) {
      let from = (n * phaseHeight + a) * phaseWidth * channels;
      let to = ((n * g.inHeight + row.first) * g.inWidth + col.first) * channels + a * rowStep;
      for (let b = 0; b < col.count; b++, from += channels, to += colStep) {
        copyRun(dx, to, phase, from, channels);
      }
    }
  }
}
