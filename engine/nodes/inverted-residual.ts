import { pyLiteral } from '../export/python';
import { kerasActivation } from './activation';
import { convNode, defineBlock } from './block';
import type { TorchWeight } from './interchange';
import {
  batchNormNode,
  depthwiseNode,
  KERAS_MOBILENET_V2_BN,
  makeDivisible,
  MOBILENET_TORCH_HELPER,
  relu6Node,
} from './mobilenet-common';
import { squeezeExcitation } from './squeeze-excitation';
import { ShapeError, type NodeParamsMap, type NodeTypeDefinition, type Subgraph } from './types';

type InvertedParams = NodeParamsMap['invertedResidual'];

const hidden = (p: InvertedParams): number => p.channels * p.expansion;
/** MobileNetV3's squeeze width: a quarter of the expanded channels, rounded to a multiple of 8. */
export const squeezeWidth = (p: InvertedParams): number => makeDivisible(hidden(p) / 4);
const hasResidual = (p: InvertedParams): boolean => p.strides === 1 && p.channels === p.filters;

const TORCH_CLASS = `class InvertedResidual(nn.Module):
    """MobileNetV2's block as Keras Applications lays it out: 1×1 expand (none when expansion is 1),
    3×3 depthwise with TensorFlow's 'same' padding, optional squeeze-and-excitation (MobileNetV3's,
    hard-sigmoid gate), 1×1 linear projection; plus the input when the stride is 1 and the widths agree."""

    def __init__(self, in_channels, expansion, filters, strides=1, squeeze_channels=0):
        super().__init__()
        hidden = in_channels * expansion

        def bn(channels):
            return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.001)
        if expansion != 1:
            self.expand = nn.Conv2d(in_channels, hidden, kernel_size=1, bias=False)
            self.expand_bn = bn(hidden)
        self.dw = DepthwiseConv2d(hidden, 1, 3, stride=strides, bias=False)
        self.dw_bn = bn(hidden)
        if squeeze_channels:
            self.se_squeeze = nn.Conv2d(hidden, squeeze_channels, kernel_size=1)
            self.se_excite = nn.Conv2d(squeeze_channels, hidden, kernel_size=1)
        self.project = nn.Conv2d(hidden, filters, kernel_size=1, bias=False)
        self.project_bn = bn(filters)
        self.expansion, self.strides, self.squeeze_channels = expansion, strides, squeeze_channels
        self.residual = strides == 1 and in_channels == filters

    def forward(self, x):
        y = x
        if self.expansion != 1:
            y = F.relu6(self.expand_bn(self.expand(y)))
        y = F.relu6(self.dw_bn(self.dw(pad_same(y, 3, self.strides))))
        if self.squeeze_channels:
            s = F.relu(self.se_squeeze(F.adaptive_avg_pool2d(y, 1)))
            y = y * F.hardsigmoid(self.se_excite(s))
        y = self.project_bn(self.project(y))
        return x + y if self.residual else y`;

const KERAS_HELPER = `def inverted_residual(x, expansion, filters, strides=1, squeeze_channels=0, name=None):
    def bn(t):
        return batch_norm(t, 0.999, 1e-3)
    in_channels = x.shape[-1]
    y = x
    if expansion != 1:
        y = layers.ReLU(6.0)(bn(conv(y, in_channels * expansion, 1, use_bias=False)))
    y = layers.DepthwiseConv2D(3, strides, 'same', use_bias=False)(y)
    y = layers.ReLU(6.0)(bn(y))
    if squeeze_channels:
        s = layers.GlobalAveragePooling2D(keepdims=True)(y)
        s = conv(s, squeeze_channels, 1, activation='relu')
        s = ${kerasActivation('hardSigmoid', 0)}(conv(s, y.shape[-1], 1))
        y = layers.Multiply()([y, s])
    y = bn(conv(y, filters, 1, use_bias=False))
    if strides == 1 and in_channels == filters:
        return layers.Add(name=name)([x, y])
    return layers.Activation('linear', name=name)(y)`;

const block = defineBlock({
  type: 'invertedResidual',
  label: 'Inverted Residual',
  doc: 'MobileNetV2 block: 1×1 conv widens by the expansion, 3×3 depthwise conv, 1×1 conv narrows (no activation); + input when the shape allows.',
  params: [
    {
      kind: 'int',
      name: 'channels',
      label: 'Input channels',
      doc: "The input's channels; the block widens them by the expansion.",
      default: 24,
      min: 1,
      max: 8192,
    },
    {
      kind: 'int',
      name: 'expansion',
      label: 'Expansion',
      doc: 'Width inside the block ÷ input channels (MobileNetV2: 6; 1 skips the expanding conv).',
      default: 6,
      min: 1,
      max: 64,
    },
    {
      kind: 'int',
      name: 'filters',
      label: 'Filters',
      doc: 'Output channels.',
      default: 24,
      min: 1,
      max: 8192,
    },
    { kind: 'int', name: 'strides', label: 'Stride', default: 1, min: 1, max: 4 },
    {
      kind: 'bool',
      name: 'squeezeExcitation',
      label: 'Squeeze-excitation',
      doc: "MobileNetV3's channel gate after the depthwise conv (squeeze to a quarter, hard-sigmoid gate).",
      default: false,
    },
  ],
  summarize(p) {
    const parts = [`${p.channels}→${p.filters}`, `×${p.expansion}`];
    if (p.strides !== 1) parts.push(`s${p.strides}`);
    if (p.squeezeExcitation) parts.push('SE');
    if (hasResidual(p)) parts.push('+');
    return parts.join(' · ');
  },
  export: {
    pytorch: {
      helper: `${MOBILENET_TORCH_HELPER}\n\n\n${TORCH_CLASS}`,
      modules({ params: p, inputShapes }) {
        const layers = [
          ...(p.expansion !== 1 ? ['expand', 'expand_bn'] : []),
          'dw',
          'dw_bn',
          ...(p.squeezeExcitation ? ['se_squeeze', 'se_excite'] : []),
          'project',
          'project_bn',
        ];
        const weights: TorchWeight[] = layers.map((path) => ({
          tfjsSuffix: path === 'dw' ? 'dw_dwconv' : path.endsWith('_bn') ? `${path}_bn` : `${path}_conv`,
          kind: path.endsWith('_bn') ? 'bn' : 'conv',
          path,
        }));
        const options = `${p.strides !== 1 ? `, strides=${p.strides}` : ''}${p.squeezeExcitation ? `, squeeze_channels=${squeezeWidth(p)}` : ''}`;
        return [
          { code: `InvertedResidual(${inputShapes[0][2]}, ${p.expansion}, ${p.filters}${options})`, weights },
        ];
      },
    },
    keras: {
      helper: KERAS_HELPER,
      statement: ({ name, inputs, params: p }) =>
        `${name} = inverted_residual(${inputs[0]}, ${p.expansion}, ${p.filters}, strides=${p.strides}, squeeze_channels=${p.squeezeExcitation ? squeezeWidth(p) : 0}, name=${pyLiteral(name)})`,
    },
  },
  expand(p): Subgraph {
    const nodes: Subgraph['nodes'] = [];
    const edges: Subgraph['edges'] = [];
    let last = '$in';
    const chain = (...added: Subgraph['nodes']) => {
      for (const node of added) {
        nodes.push(node);
        edges.push({ source: last, target: node.id });
        last = node.id;
      }
    };
    const pointwise = (id: string, filters: number) =>
      convNode(id, { filters, kernelSize: 1, activation: 'none', useBias: false });
    const bn = (id: string) => batchNormNode(id, KERAS_MOBILENET_V2_BN);
    if (p.expansion !== 1) chain(pointwise('expand', hidden(p)), bn('expand_bn'), relu6Node('expand_relu'));
    chain(depthwiseNode('dw', p.strides), bn('dw_bn'), relu6Node('dw_relu'));
    if (p.squeezeExcitation) {
      // The SE block's own layers, renamed into this block; its input is the depthwise output.
      const se = squeezeExcitation.expand!({
        channels: hidden(p),
        squeezeChannels: squeezeWidth(p),
        gate: 'hardSigmoid',
      });
      const seId = (id: string) => (id === '$in' ? last : `se_${id}`);
      nodes.push(...se.nodes.map((node) => ({ ...node, id: seId(node.id) })));
      edges.push(...se.edges.map((edge) => ({ source: seId(edge.source), target: seId(edge.target) })));
      last = seId(se.output);
    }
    chain(pointwise('project', p.filters), bn('project_bn'));
    if (hasResidual(p)) {
      nodes.push({ id: 'add', type: 'add', params: {} });
      edges.push({ source: '$in', target: 'add' }, { source: last, target: 'add' });
      last = 'add';
    }
    return { nodes, edges, output: last };
  },
});

/** Its inner layers trust `channels`: a different input would silently change the block's width. */
function checkChannels(p: InvertedParams, inputs: readonly (readonly number[])[]): void {
  const input = inputs[0];
  if (input && input.length === 3 && input[2] !== p.channels)
    throw new ShapeError(
      `Inverted Residual: the input has ${input[2]} channels but "Input channels" is ${p.channels}; set it to ${input[2]}`,
    );
}

/**
 * MobileNetV2's inverted residual (Sandler et al. 2018), laid out as Keras Applications'
 * MobileNetV2 (no biases, batch norm ε 1e-3, relu6, linear projection), with MobileNetV3's
 * optional squeeze-and-excitation.
 */
export const invertedResidual: NodeTypeDefinition<'invertedResidual'> = {
  ...block,
  inferShape(p, inputs) {
    checkChannels(p, inputs);
    return block.inferShape(p, inputs);
  },
};
