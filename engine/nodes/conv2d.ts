import type * as tfjs from '@tensorflow/tfjs';
import { kerasPaddingArg, pySize } from '../export/padding';
import { pyLiteral } from '../export/python';
import { onnxConv } from '../export/onnx/ops';
import {
  fusedActivationArg,
  kerasFusedActivation,
  onnxFusedActivation,
  torchFusedActivation,
} from './activation';
import { applyUnfusedActivation } from './compile-utils';
import {
  convSpatial,
  convWindowFromKeras,
  convWindowParams,
  kernelArea,
  padForConv,
  summarizeConv,
  torchConvWindow,
} from './conv-common';
import { sizePair } from './shape-utils';
import type { NodeTypeDefinition } from './types';

type Tf = typeof tfjs;
type Conv2DLayer = ReturnType<Tf['layers']['conv2d']>;
type Conv2DArgs = Parameters<Tf['layers']['conv2d']>[0];
type Kwargs = Parameters<Conv2DLayer['call']>[1];

/** The stock layer's fields the training path reads (protected in tfjs-layers' typings). */
interface StockConvFields {
  kernel: { read(): tfjs.Tensor4D };
  bias: { read(): tfjs.Tensor1D } | null;
  strides: [number, number];
  padding: string;
  dataFormat: string;
  dilationRate: [number, number];
  activation: { apply(x: tfjs.Tensor): tfjs.Tensor } | null;
}

const trainingConvClassByTf = new WeakMap<object, new (args: Conv2DArgs) => Conv2DLayer>();

/**
 * tfjs-layers' Conv2D whose TRAINING forward pass uses the plain conv2d op (+ bias add +
 * activation) instead of the fused one. The fused op is one custom-gradient op that always
 * computes the input gradient too, even for the first conv, whose input is the image: a
 * 7×7 conv on 1 channel costs ~0.6 s of a ResNet-18 step on wasm for a gradient nobody uses.
 * Plain ops let autodiff skip it. Inference, weights, config and serialization are the stock
 * layer's (className 'Conv2D', not registered: saved models load back as the stock layer).
 */
function trainingConvClass(tf: Tf): new (args: Conv2DArgs) => Conv2DLayer {
  let cls = trainingConvClassByTf.get(tf);
  if (cls) return cls;
  const registered = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D;
  if (!registered) throw new Error('tfjs-layers did not register Conv2D');
  const StockConv2D = registered[0] as unknown as new (args: Conv2DArgs) => Conv2DLayer;
  class TrainingConv2D extends StockConv2D {
    static className = 'Conv2D';

    override call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Kwargs): tfjs.Tensor | tfjs.Tensor[] {
      const f = this as unknown as StockConvFields;
      const plain = f.dataFormat === 'channelsLast' && (f.padding === 'same' || f.padding === 'valid');
      if (!kwargs['training'] || !plain) return super.call(inputs, kwargs);
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjs.Tensor4D;
      return tf.tidy(() => {
        const pad = f.padding as 'same' | 'valid';
        let y: tfjs.Tensor = tf.conv2d(x, f.kernel.read(), f.strides, pad, 'NHWC', f.dilationRate);
        if (f.bias) y = tf.add(y, f.bias.read());
        return f.activation ? f.activation.apply(y) : y;
      });
    }
  }
  cls = TrainingConv2D;
  trainingConvClassByTf.set(tf, cls);
  return cls;
}

/**
 * 2-D convolution, PyTorch-style numeric padding (pixels per side) or Keras 'same'/'valid'.
 * Glorot-uniform kernel and zero bias (tfjs defaults, the book's Xavier init).
 */
export const conv2d: NodeTypeDefinition<'conv2d'> = {
  type: 'conv2d',
  label: 'Conv 2D',
  category: 'Convolution',
  doc: 'Slides learned k×k (or h×w) filters over the image; output channels = filters.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'int',
      name: 'filters',
      label: 'Filters',
      doc: 'Output channels.',
      default: 16,
      min: 1,
      max: 8192,
    },
    ...convWindowParams('relu'),
  ],
  summarize: (p) => summarizeConv(p, `${p.filters}`),
  inferShape(p, inputs) {
    const [oh, ow] = convSpatial('Conv 2D', p, inputs).spatial;
    return [oh, ow, p.filters];
  },
  paramCount: (p, inputs) => ({
    trainable: kernelArea(p) * inputs[0][2] * p.filters + (p.useBias ? p.filters : 0),
    nonTrainable: 0,
  }),
  macs: (p, inputs, output) => output[0] * output[1] * p.filters * kernelArea(p) * inputs[0][2],
  compile(ctx, p, inputs) {
    const { padded, tfPadding } = padForConv(ctx, inputs[0], p);
    const TrainingConv2D = trainingConvClass(ctx.tf);
    const conv = new TrainingConv2D({
      filters: p.filters,
      kernelSize: sizePair(p.kernelSize),
      strides: sizePair(p.strides),
      padding: tfPadding,
      dilationRate: sizePair(p.dilation),
      activation: fusedActivationArg(p.activation),
      useBias: p.useBias,
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
      name: ctx.layerName('conv'),
    }).apply(padded) as tfjs.SymbolicTensor;
    return applyUnfusedActivation(ctx, conv, p.activation);
  },
  export: {
    pytorch: {
      modules({ params: p, inputShapes }) {
        const { padModule, options } = torchConvWindow(p, inputShapes[0]);
        return [
          ...(padModule ? [{ code: padModule }] : []),
          {
            code: `nn.Conv2d(${inputShapes[0][2]}, ${p.filters}, ${options.join(', ')})`,
            weights: [{ tfjsSuffix: 'conv', kind: 'conv' }],
          },
          ...torchFusedActivation(p.activation).map((code) => ({ code })),
        ];
      },
    },
    keras: {
      statement({ name, inputs, params: p }) {
        const act = kerasFusedActivation(p.activation);
        const call = `${name} = conv(${inputs[0]}, ${p.filters}, ${pySize(p.kernelSize)}, ${pySize(p.strides)}, ${kerasPaddingArg(p.padding)}, activation=${act.arg}, dilation=${pySize(p.dilation)}, use_bias=${pyLiteral(p.useBias)}, name=${pyLiteral(name)})`;
        return act.after ? `${call}\n${name} = ${act.after}(${name})` : call;
      },
    },
    onnx: {
      nodes: ({ inputs, inputShapes, params: p }, onnx) =>
        onnxFusedActivation(onnx, onnxConv(onnx, inputs[0], inputShapes[0], p, 'conv'), p.activation),
    },
  },
  import: {
    kerasClassNames: ['Conv2D'],
    foldsPadding: 'zero',
    fromKeras({ config: c }, foldedPadding) {
      const { params, then } = convWindowFromKeras(c, foldedPadding);
      return { params: { filters: Number(c.filters), ...params }, then };
    },
  },
};
