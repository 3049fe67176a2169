import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createKernelRunner, type KernelRunner, type Tf } from './kernel-runner';
import { explicitPad, forwardConv, type ConvGradAttrs } from './conv2d-geometry';

/**
 * Conv2DBackpropInput as one forward convolution (the backend's fast Conv2D does the work):
 * dy, zero-dilated by the forward stride and padded, convolved with the spatially flipped
 * filter whose in/out channel axes are swapped, at the forward dilation and stride 1.
 */
export function conv2dBackpropInputConfig(tf: Tf, backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, attrs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
    const g = forwardConv(tf, 'Conv2DBackpropInput', a.inputShape, filter.shape, a);
    const k = createKernelRunner(tf, backend, backendName);

    const dilated = dilateByStride(k, dy, g.strideHeight, g.strideWidth);
    const rows = spanPlan(
      g.outHeight * g.strideHeight,
      g.inHeight,
      g.filterHeight,
      g.dilationHeight,
      g.padTop,
    );
    const cols = spanPlan(g.outWidth * g.strideWidth, g.inWidth, g.filterWidth, g.dilationWidth, g.padLeft);

    const reversed = k.run('Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = k.run('Transpose', { x: reversed }, { perm: [0, 1, 3, 2] });
    k.dispose(reversed);
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
