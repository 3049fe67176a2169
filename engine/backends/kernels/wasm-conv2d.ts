import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createKernelRunner, type Tf } from './kernel-runner';
import { forwardConv, type ConvGradAttrs } from './conv2d-geometry';
import { fillOnHost } from './backend-types';
import { fewerPositionsThanChannels, gatherPatches, productAs } from './patches-matrix';

/**
 * Conv2D on wasm as patches · filter where a convolution has fewer output positions than
 * output channels (ResNet-18's last stage: 288 positions, 512 channels). XNNPACK's
 * convolution transposes and repacks the filter on every call with a new filter, which
 * training always has (~20 ms for 3×3×512×512, as much as the arithmetic); a matrix product
 * reads the small patch matrix in place and packs the filter in one pass. Everything else,
 * and channels-first data, goes to the stock kernel.
 */
export function wasmConv2DConfig(tf: Tf, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvGradAttrs;
    if (a.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') {
      return stock.kernelFunc(args) as TensorInfo;
    }
    const g = forwardConv(tf, 'Conv2D', x.shape, filter.shape, a);
    if (!fewerPositionsThanChannels(g)) return stock.kernelFunc(args) as TensorInfo;
    const k = createKernelRunner(tf, backend, 'wasm');
    const positions = g.batch * g.outHeight * g.outWidth;
    const rows = g.filterHeight * g.filterWidth * g.inChannels;
    const patches = fillOnHost(backend, 'wasm', [1, positions, rows], [x], (out, [xs]) =>
      gatherPatches(out, xs, g),
    );
    const weights = k.run('Reshape', { x: filter }, { shape: [1, rows, g.outChannels] });
    return productAs(k, patches, weights, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  };
  return { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}
