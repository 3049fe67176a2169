/**
 * What the MobileNet blocks (depthwise-separable, inverted residual) share: Keras
 * Applications' batch-norm settings, its channel rounding, inner-node builders and the
 * PyTorch helpers their classes stand on.
 */
import type { Params } from '../graph/document';
import { depthwiseConv2d } from './depthwise-conv2d';
import type { NodeParamsMap, Subgraph } from './types';

type InnerNode = Subgraph['nodes'][number];

/** Keras MobileNet's BatchNormalization (defaults: momentum 0.99, epsilon 1e-3). */
export const KERAS_MOBILENET_BN = { momentum: 0.99, epsilon: 1e-3 };
/** Keras MobileNetV2's BatchNormalization (momentum 0.999, epsilon 1e-3). */
export const KERAS_MOBILENET_V2_BN = { momentum: 0.999, epsilon: 1e-3 };

/**
 * Keras Applications' `_make_divisible`: the nearest multiple of `divisor` (at least
 * `divisor`), never more than 10 % below `value`. MobileNetV3 sizes its squeeze-and-excitation with it.
 */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

export const batchNormNode = (id: string, bn: { momentum: number; epsilon: number }): InnerNode => ({
  id,
  type: 'batchNorm',
  params: { ...bn },
});

export const relu6Node = (id: string): InnerNode => ({
  id,
  type: 'activation',
  params: { fn: 'relu6', alpha: 0 },
});

/** A 3×3 depthwise conv without bias or activation, TensorFlow 'same' padding (Keras's layout). */
export function depthwiseNode(id: string, strides: number, depthMultiplier = 1): InnerNode {
  const params: NodeParamsMap['depthwiseConv2d'] = {
    depthMultiplier,
    kernelSize: 3,
    strides,
    padding: 'same',
    dilation: 1,
    activation: 'none',
    useBias: false,
  };
  return { id, type: 'depthwiseConv2d', params: params as unknown as Params };
}

/**
 * PyTorch helpers of the MobileNet block classes: the depthwise conv class (whose weight
 * converts as a conv's) and TensorFlow's 'same' padding, which is uneven at stride 2.
 */
export const MOBILENET_TORCH_HELPER = `${depthwiseConv2d.export?.pytorch?.helper ?? ''}


def pad_same(x, kernel_size, stride):
    """TensorFlow's 'same' padding: total max((ceil(n/s) - 1)·s + k - n, 0), the smaller half first."""
    pads = []
    for size in (x.shape[3], x.shape[2]):
        total = max((-(-size // stride) - 1) * stride + kernel_size - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)`;
