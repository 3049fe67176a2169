import type * as tfjs from '@tensorflow/tfjs';
import { kerasPaddingArg, pySize } from '../export/padding';
import { pyLiteral } from '../export/python';
import { kerasFusedActivation, torchFusedActivation } from './activation';
import { convSpatial, convWindowFromKeras, convWindowParams, kernelArea, summarizeConv } from './conv-common';
import { conv2d } from './conv2d';
import { depthwiseConv2d } from './depthwise-conv2d';
import { UnmappableLayerError } from './interchange';
import { sizeIs, sizeTag } from './shape-utils';
import { ShapeError, type CompileContext, type NodeParamsMap, type NodeTypeDefinition } from './types';

type Params = NodeParamsMap['separableConv2d'];

/** The depthwise half: the window, no bias, no activation. */
const depthwiseHalf = (p: Params): NodeParamsMap['depthwiseConv2d'] => ({
  ...p,
  activation: 'none',
  useBias: false,
});

/** The pointwise half: a 1×1 conv to `filters` with the bias and the activation. */
const pointwiseHalf = (p: Params): NodeParamsMap['conv2d'] => ({
  filters: p.filters,
  kernelSize: 1,
  strides: 1,
  padding: 0,
  dilation: 1,
  activation: p.activation,
  useBias: p.useBias,
});

const scoped = (ctx: CompileContext, prefix: string): CompileContext => ({
  tf: ctx.tf,
  layerName: (suffix) => ctx.layerName(`${prefix}_${suffix}`),
});

/**
 * Separable convolution (Xception, Keras's SeparableConv2D): a depthwise convolution without
 * bias, then a 1×1 convolution to `filters` with the bias and activation. Compiled as those
 * two layers, so each half's weights convert to PyTorch as their own node type's do.
 */
export const separableConv2d: NodeTypeDefinition<'separableConv2d'> = {
  type: 'separableConv2d',
  label: 'Separable Conv',
  category: 'Convolution',
  doc: 'A depthwise k×k convolution followed by a 1×1 convolution to filters (Xception); far fewer weights than a full conv.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'int',
      name: 'filters',
      label: 'Filters',
      doc: 'Output channels.',
      default: 32,
      min: 1,
      max: 8192,
    },
    {
      kind: 'int',
      name: 'depthMultiplier',
      label: 'Multiplier',
      doc: 'Depthwise filters per input channel.',
      default: 1,
      min: 1,
      max: 64,
    },
    ...convWindowParams('none'),
  ],
  summarize: (p) => summarizeConv(p, `sep ${p.filters}`),
  inferShape(p, inputs) {
    if (!sizeIs(p.dilation, 1))
      throw new ShapeError(
        `Separable Conv: TensorFlow.js has no dilated depthwise convolution; set dilation ${sizeTag(p.dilation)} to 1`,
      );
    const [oh, ow] = convSpatial('Separable Conv', p, inputs).spatial;
    return [oh, ow, p.filters];
  },
  paramCount(p, inputs) {
    const depthwise = inputs[0][2] * p.depthMultiplier;
    return {
      trainable: kernelArea(p) * depthwise + depthwise * p.filters + (p.useBias ? p.filters : 0),
      nonTrainable: 0,
    };
  },
  macs: (p, inputs, output) =>
    output[0] * output[1] * inputs[0][2] * p.depthMultiplier * (kernelArea(p) + p.filters),
  compile(ctx, p, inputs) {
    const depthwise = depthwiseConv2d.compile(scoped(ctx, 'depthwise'), depthwiseHalf(p), inputs);
    return conv2d.compile(scoped(ctx, 'pointwise'), pointwiseHalf(p), [depthwise]) as tfjs.SymbolicTensor;
  },
  export: {
    pytorch: {
      helper: depthwiseConv2d.export?.pytorch?.helper,
      modules(layer) {
        const depthwise = depthwiseConv2d.export!.pytorch!.modules({
          ...layer,
          params: depthwiseHalf(layer.params),
        });
        const channels = layer.inputShapes[0][2] * layer.params.depthMultiplier;
        return [
          ...depthwise.map((module) => ({
            ...module,
            weights: module.weights?.map((w) => ({ ...w, tfjsSuffix: `depthwise_${w.tfjsSuffix}` })),
          })),
          {
            code: `nn.Conv2d(${channels}, ${layer.params.filters}, kernel_size=1${layer.params.useBias ? '' : ', bias=False'})`,
            weights: [{ tfjsSuffix: 'pointwise_conv', kind: 'conv' }],
          },
          ...torchFusedActivation(layer.params.activation).map((code) => ({ code })),
        ];
      },
    },
    keras: {
      helper: `def separable_conv(x, filters, kernel_size, strides=1, padding=0, depth_multiplier=1, activation=None,
                   use_bias=True, name=None):
    mode = padding if isinstance(padding, str) else 'valid'
    x = x if isinstance(padding, str) else pad(x, padding)
    return layers.SeparableConv2D(filters, kernel_size, strides, mode, depth_multiplier=depth_multiplier,
                                  activation=activation, use_bias=use_bias, name=name)(x)`,
      statement({ name, inputs, params: p }) {
        const act = kerasFusedActivation(p.activation);
        const call = `${name} = separable_conv(${inputs[0]}, ${p.filters}, ${pySize(p.kernelSize)}, ${pySize(p.strides)}, ${kerasPaddingArg(p.padding)}, depth_multiplier=${p.depthMultiplier}, activation=${act.arg}, use_bias=${pyLiteral(p.useBias)}, name=${pyLiteral(name)})`;
        return act.after ? `${call}\n${name} = ${act.after}(${name})` : call;
      },
    },
    onnx: {
      // The two halves as their own types write them, each with its compiled layer's weights.
      nodes(layer, onnx) {
        const half = depthwiseHalf(layer.params);
        const depthwise = depthwiseConv2d.export!.onnx!.nodes(
          { ...layer, params: half },
          onnx.scoped('depthwise'),
        );
        const pointwiseInput = depthwiseConv2d.inferShape(half, layer.inputShapes);
        return conv2d.export!.onnx!.nodes(
          {
            ...layer,
            params: pointwiseHalf(layer.params),
            inputs: [depthwise],
            inputShapes: [pointwiseInput],
          },
          onnx.scoped('pointwise'),
        );
      },
    },
  },
  import: {
    kerasClassNames: ['SeparableConv2D', 'SeparableConvolution2D'],
    foldsPadding: 'zero',
    fromKeras({ config: c }, foldedPadding) {
      const { params, then } = convWindowFromKeras(c, foldedPadding);
      if (!sizeIs(params.dilation, 1))
        throw new UnmappableLayerError(
          `dilation ${sizeTag(params.dilation)}: TensorFlow.js has no dilated depthwise convolution`,
        );
      return {
        params: { filters: Number(c.filters), depthMultiplier: Number(c.depth_multiplier ?? 1), ...params },
        then,
      };
    },
  },
};
