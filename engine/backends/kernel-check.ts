/**
 * Before training: does the active backend have every kernel the model's gradient needs?
 * Fails up front, naming the kernel and the layer, instead of deep inside the first batch.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { leafLayers } from '../export/model-layers';
import type { Tf } from './kernels/kernel-runner';

/** Kernels (forward and gradient) each layer class needs, beyond the elementwise basics. */
const kernelsByLayer: Record<string, readonly string[]> = {
  Conv2D: ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'],
  Conv2DTranspose: ['Conv2DBackpropInput', 'Conv2D', 'Conv2DBackpropFilter'],
  DepthwiseConv2D: [
    'DepthwiseConv2dNative',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
  ],
  SeparableConv2D: [
    'DepthwiseConv2dNative',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'Conv2D',
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
  ],
  MaxPooling2D: ['MaxPool', 'MaxPoolGrad'],
  AveragePooling2D: ['AvgPool', 'AvgPoolGrad'],
  GlobalAveragePooling2D: ['Mean'],
  GlobalMaxPooling2D: ['Max'],
  BatchNormalization: ['FusedBatchNorm', 'Tile', 'Rsqrt', 'Sum'],
  Dense: ['BatchMatMul'],
  Embedding: ['GatherV2', 'UnsortedSegmentSum'],
  UpSampling2D: ['ResizeNearestNeighbor', 'ResizeNearestNeighborGrad'],
  ZeroPadding2D: ['PadV2', 'Slice'],
  Concatenate: ['Concat', 'Slice'],
  Dropout: ['Multiply'],
};

/** Kernels of each activation and its gradient. */
const kernelsByActivation: Record<string, readonly string[]> = {
  relu: ['Relu', 'Step'],
  relu6: ['Relu6', 'Step', 'LessEqual'],
  leakyReLU: ['LeakyRelu', 'Greater', 'Select'],
  LeakyReLU: ['LeakyRelu', 'Greater', 'Select'],
  elu: ['Elu', 'EluGrad'],
  ELU: ['Elu', 'EluGrad'],
  sigmoid: ['Sigmoid'],
  tanh: ['Tanh'],
  softmax: ['Softmax'],
  Softmax: ['Softmax'],
  gelu: ['Erf', 'Exp'],
};

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  layers?: LayerLike[];
}

function activationOf(layer: LayerLike, config: Record<string, unknown>): string | null {
  if (layer.getClassName() === 'Activation' || typeof config.activation === 'string')
    return String(config.activation);
  if (layer.getClassName() in kernelsByActivation) return layer.getClassName();
  return null;
}

/**
 * Throws an Error naming the first kernel the active backend lacks and the layer that needs it,
 * or a layer tfjs cannot differentiate at all (dilated convolutions).
 *
 * @example
 * assertTrainingKernels(tf, model); // "The 'wasm' backend has no 'DepthwiseConv2dNativeBackpropFilter' kernel, …"
 */
export function assertTrainingKernels(tf: Tf, model: Pick<LayersModel, 'layers'>): void {
  const backendName = tf.getBackend();
  for (const layer of leafLayers<LayerLike>(model)) {
    const className = layer.getClassName();
    const config = layer.getConfig();
    assertDifferentiable(layer, className, config);
    const activation = activationOf(layer, config);
    const needed = [
      ...(kernelsByLayer[className] ?? []),
      ...((activation && kernelsByActivation[activation]) || []),
    ];
    for (const kernel of needed) {
      if (!tf.getKernel(kernel, backendName)) {
        throw new Error(
          `The '${backendName}' backend has no '${kernel}' kernel, which layer '${layer.name}' (${className}) needs ` +
            `to train. Choose another backend (CNN_STUDIO_BACKEND=cpu) or another layer type.`,
        );
      }
    }
  }
}

/** TensorFlow.js 4.22 throws "dilation rates greater than 1 are not yet supported in gradients". */
function assertDifferentiable(layer: LayerLike, className: string, config: Record<string, unknown>): void {
  if (!['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'].includes(className)) return;
  const rate = config.dilationRate;
  const rates = Array.isArray(rate) ? rate : [rate ?? 1];
  if (rates.some((r) => r !== 1)) {
    throw new Error(
      `Layer '${layer.name}' (${className}) has dilation ${JSON.stringify(rate)}: TensorFlow.js has no gradient for ` +
        `dilated convolutions, so it cannot be trained. Use dilation 1.`,
    );
  }
}
