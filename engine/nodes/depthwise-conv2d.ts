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
import { UnmappableLayerError } from './interchange';
import { sizeIs, sizePair, sizeTag } from './shape-utils';
import { ShapeError, type NodeTypeDefinition } from './types';

/** tfjs-layers' DepthwiseConv2D ignores its dilation rate (a TODO in its source), so we take none. */
const NO_DILATION = 'TensorFlow.js has no dilated depthwise convolution';

/**
 * PyTorch's depthwise convolution is a Conv2d with groups = in_channels; this class keeps
 * the weight as (multiplier, in_channels, kh, kw) — TensorFlow's (kh, kw, in, multiplier)
 * turned as a Conv2d's weight is — so trained weights convert as any conv's do, both ways.
 */
const TORCH_HELPER = `class DepthwiseConv2d(nn.Module):
    """Depthwise convolution: \`multiplier\` filters per input channel; output channel i·multiplier + m.
    The weight is (multiplier, in_channels, kh, kw) so CNN Studio's trained weights load as they are."""

    def __init__(self, in_channels, multiplier, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        self.weight = nn.Parameter(torch.empty(multiplier, in_channels, kh, kw))
        self.bias = nn.Parameter(torch.zeros(in_channels * multiplier)) if bias else None
        self.stride, self.padding, self.dilation = stride, padding, dilation
        nn.init.xavier_uniform_(self.weight)

    def forward(self, x):
        multiplier, channels, kh, kw = self.weight.shape
        weight = self.weight.transpose(0, 1).reshape(channels * multiplier, 1, kh, kw)
        return F.conv2d(x, weight, self.bias, self.stride, self.padding, self.dilation, groups=channels)`;

const KERAS_HELPER = `def depthwise_conv(x, kernel_size, strides=1, padding=0, depth_multiplier=1, activation=None, dilation=1,
                   use_bias=True, name=None):
    mode = padding if isinstance(padding, str) else 'valid'
    x = x if isinstance(padding, str) else pad(x, padding)
    return layers.DepthwiseConv2D(kernel_size, strides, mode, depth_multiplier=depth_multiplier,
                                  dilation_rate=dilation, activation=activation, use_bias=use_bias, name=name)(x)`;

/**
 * Depthwise convolution: each input channel convolved with its own `depthMultiplier`
 * filters (MobileNet, Xception); channels out = channels in × multiplier.
 */
export const depthwiseConv2d: NodeTypeDefinition<'depthwiseConv2d'> = {
  type: 'depthwiseConv2d',
  label: 'Depthwise Conv',
  category: 'Convolution',
  doc: 'Convolves each channel with its own k×k filter(s); channels out = channels in × multiplier (MobileNet).',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'int',
      name: 'depthMultiplier',
      label: 'Multiplier',
      doc: 'Filters per input channel.',
      default: 1,
      min: 1,
      max: 64,
    },
    ...convWindowParams('none'),
  ],
  summarize: (p) => summarizeConv(p, p.depthMultiplier === 1 ? 'dw' : `dw×${p.depthMultiplier}`),
  inferShape(p, inputs) {
    if (!sizeIs(p.dilation, 1))
      throw new ShapeError(`Depthwise Conv: ${NO_DILATION}; set dilation ${sizeTag(p.dilation)} to 1`);
    const { input, spatial } = convSpatial('Depthwise Conv', p, inputs);
    return [...spatial, input[2] * p.depthMultiplier];
  },
  paramCount(p, inputs) {
    const channelsOut = inputs[0][2] * p.depthMultiplier;
    return { trainable: kernelArea(p) * channelsOut + (p.useBias ? channelsOut : 0), nonTrainable: 0 };
  },
  macs: (_p, inputs, output) => output[0] * output[1] * output[2] * kernelArea(_p),
  compile(ctx, p, inputs) {
    const { padded, tfPadding } = padForConv(ctx, inputs[0], p);
    const conv = ctx.tf.layers
      .depthwiseConv2d({
        kernelSize: sizePair(p.kernelSize),
        depthMultiplier: p.depthMultiplier,
        strides: sizePair(p.strides),
        padding: tfPadding,
        dilationRate: sizePair(p.dilation),
        activation: fusedActivationArg(p.activation),
        useBias: p.useBias,
        depthwiseInitializer: 'glorotUniform',
        biasInitializer: 'zeros',
        name: ctx.layerName('dwconv'),
      })
      .apply(padded) as tfjs.SymbolicTensor;
    return applyUnfusedActivation(ctx, conv, p.activation);
  },
  export: {
    pytorch: {
      helper: TORCH_HELPER,
      modules({ params: p, inputShapes }) {
        const { padModule, options } = torchConvWindow(p, inputShapes[0]);
        return [
          ...(padModule ? [{ code: padModule }] : []),
          {
            code: `DepthwiseConv2d(${inputShapes[0][2]}, ${p.depthMultiplier}, ${options.join(', ')})`,
            // The helper's weight has a Conv2d's layout: it converts as a conv's does.
            weights: [{ tfjsSuffix: 'dwconv', kind: 'conv' }],
          },
          ...torchFusedActivation(p.activation).map((code) => ({ code })),
        ];
      },
    },
    keras: {
      helper: KERAS_HELPER,
      statement({ name, inputs, params: p }) {
        const act = kerasFusedActivation(p.activation);
        const call = `${name} = depthwise_conv(${inputs[0]}, ${pySize(p.kernelSize)}, ${pySize(p.strides)}, ${kerasPaddingArg(p.padding)}, depth_multiplier=${p.depthMultiplier}, activation=${act.arg}, dilation=${pySize(p.dilation)}, use_bias=${pyLiteral(p.useBias)}, name=${pyLiteral(name)})`;
        return act.after ? `${call}\n${name} = ${act.after}(${name})` : call;
      },
    },
    onnx: {
      // A depthwise conv is a conv with one group per input channel.
      nodes: ({ inputs, inputShapes, params: p }, onnx) =>
        onnxFusedActivation(onnx, onnxConv(onnx, inputs[0], inputShapes[0], p, 'dwconv', true), p.activation),
    },
  },
  import: {
    kerasClassNames: ['DepthwiseConv2D'],
    foldsPadding: 'zero',
    fromKeras({ config: c }, foldedPadding) {
      const { params, then } = convWindowFromKeras(c, foldedPadding);
      if (!sizeIs(params.dilation, 1))
        throw new UnmappableLayerError(`dilation ${sizeTag(params.dilation)}: ${NO_DILATION}`);
      return { params: { depthMultiplier: Number(c.depth_multiplier ?? 1), ...params }, then };
    },
  },
};
