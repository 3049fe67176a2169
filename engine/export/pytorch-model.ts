/**
 * Graph → a readable PyTorch module (`model.py`): the book's block classes for the blocks
 * the graph uses, a `Net` (one `nn.Sequential` for a plain chain, named layers and an
 * explicit `forward` for a branchy graph), and `build_model()` with the book's Xavier init.
 * Input is NCHW, as PyTorch expects; the output is class scores (logits).
 */
import type { Padding, Shape } from '../graph/document';
import { formatShape } from '../graph/format';
import { FUSED_LEAKY_RELU_ALPHA } from '../nodes/compile-utils';
import type { ActivationName, FusedActivation, NodeParamsMap } from '../nodes/types';
import { explicitPadding, symmetricAmount } from './padding';
import { ExportError, type ExportPlan, type PlannedNode } from './plan';
import { indent, pyComment, pyLiteral } from './python';

/** Python source of the book's blocks, keyed by our block type (D2L chapter 8's code, with explicit in_channels). */
const BLOCK_SOURCE: Record<string, string> = {
  vggBlock: `def vgg_block(num_convs, in_channels, out_channels):
    """num_convs × [3×3 conv, ReLU], then 2×2 max-pooling (D2L 8.2)."""
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)`,
  ninBlock: `def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    """A convolution followed by two 1×1 convolutions, each with ReLU (D2L 8.3)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())`,
  inception: `class Inception(nn.Module):
    """Four parallel paths concatenated on channels (D2L 8.4)."""

    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.b1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.b2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.b2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.b3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.b3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.b4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        b1 = F.relu(self.b1_1(x))
        b2 = F.relu(self.b2_2(F.relu(self.b2_1(x))))
        b3 = F.relu(self.b3_2(F.relu(self.b3_1(x))))
        b4 = F.relu(self.b4_2(self.b4_1(x)))
        return torch.cat((b1, b2, b3, b4), dim=1)`,
  residual: `class Residual(nn.Module):
    """Two 3×3 convolutions with batch norm, plus a shortcut (D2L 8.6)."""

    def __init__(self, in_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(in_channels, num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.conv3 is not None:
            x = self.conv3(x)
        return F.relu(y + x)`,
  denseBlock: `def conv_block(in_channels, num_channels):
    """Batch norm, ReLU, 3×3 convolution (D2L 8.7)."""
    return nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    """num_convs conv_blocks, each one's output concatenated onto its input (D2L 8.7)."""

    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(*[
            conv_block(in_channels + i * num_channels, num_channels) for i in range(num_convs)])

    def forward(self, x):
        for block in self.net:
            x = torch.cat((x, block(x)), dim=1)
        return x`,
  transition: `def transition_block(in_channels, num_channels):
    """Batch norm, ReLU, 1×1 convolution, 2×2 average pooling (D2L 8.7)."""
    return nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))`,
};

const RESIZE_SOURCE = `class Resize(nn.Module):
    """Bilinear resize to a fixed size. (TensorFlow.js samples without half-pixel centers, so
    resized values differ slightly from the app's.)"""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, x):
        return F.interpolate(x, size=self.size, mode='bilinear', align_corners=False)`;

function channels(shape: Shape): number {
  return shape[shape.length - 1];
}

function activationModule(fn: ActivationName, alpha: number): string {
  switch (fn) {
    case 'relu':
      return 'nn.ReLU()';
    case 'sigmoid':
      return 'nn.Sigmoid()';
    case 'tanh':
      return 'nn.Tanh()';
    case 'softmax':
      return 'nn.Softmax(dim=1)';
    case 'leakyRelu':
      return `nn.LeakyReLU(${pyLiteral(alpha)})`;
    case 'elu':
      return `nn.ELU(${pyLiteral(alpha)})`;
    case 'gelu':
      return 'nn.GELU()';
  }
}

function fused(activation: FusedActivation): string[] {
  if (activation === 'none') return [];
  return [activationModule(activation, activation === 'elu' ? 1 : FUSED_LEAKY_RELU_ALPHA)];
}

function hw(shape: Shape): [number, number] {
  return [shape[0], shape[1]];
}

/** `padding=` for a conv/pool whose padding is symmetric, or a pad module in front. */
function paddingFor(
  layer: PlannedNode,
  padding: Padding,
  kernel: number,
  stride: number,
  dilation: number,
  padValue: 'zero' | '-inf',
): { arg: number; before: string[] } {
  const pad = explicitPadding(padding, hw(layer.inputShapes[0]), kernel, stride, dilation);
  const amount = symmetricAmount(pad);
  // PyTorch pools accept at most half the kernel as implicit padding.
  if (amount !== null && (padValue === 'zero' || amount <= Math.floor(kernel / 2)))
    return { arg: amount, before: [] };
  const sides = `(${pad.left}, ${pad.right}, ${pad.top}, ${pad.bottom})`;
  const module = padValue === 'zero' ? `nn.ZeroPad2d(${sides})` : `nn.ConstantPad2d(${sides}, float('-inf'))`;
  return { arg: 0, before: [module] };
}

/** The module(s) one layer becomes, applied in sequence. Empty for layers done in `forward`. */
export function modulesFor(layer: PlannedNode): string[] {
  const inC = layer.inputShapes.length > 0 ? channels(layer.inputShapes[0]) : 0;
  switch (layer.type) {
    case 'conv2d': {
      const p = layer.params as NodeParamsMap['conv2d'];
      const { arg, before } = paddingFor(layer, p.padding, p.kernelSize, p.strides, p.dilation, 'zero');
      const options = [`kernel_size=${p.kernelSize}`];
      if (p.strides !== 1) options.push(`stride=${p.strides}`);
      if (arg !== 0) options.push(`padding=${arg}`);
      if (p.dilation !== 1) options.push(`dilation=${p.dilation}`);
      if (!p.useBias) options.push('bias=False');
      return [...before, `nn.Conv2d(${inC}, ${p.filters}, ${options.join(', ')})`, ...fused(p.activation)];
    }
    case 'maxPool2d': {
      const p = layer.params as NodeParamsMap['maxPool2d'];
      const { arg, before } = paddingFor(layer, p.padding, p.poolSize, p.strides, 1, '-inf');
      return [
        ...before,
        `nn.MaxPool2d(kernel_size=${p.poolSize}, stride=${p.strides}${arg ? `, padding=${arg}` : ''})`,
      ];
    }
    case 'avgPool2d': {
      const p = layer.params as NodeParamsMap['avgPool2d'];
      if (p.padding === 'same') {
        // TensorFlow's 'same' average leaves the padding out of the count.
        const pad = explicitPadding('same', hw(layer.inputShapes[0]), p.poolSize, p.strides);
        const amount = symmetricAmount(pad);
        if (amount === null || amount > Math.floor(p.poolSize / 2))
          throw new ExportError(
            layer.node.id,
            `average pooling with 'same' padding pads unevenly here (${pad.top}/${pad.bottom} rows, ${pad.left}/${pad.right} columns), which PyTorch's AvgPool2d cannot express; use numeric padding`,
          );
        return [
          `nn.AvgPool2d(kernel_size=${p.poolSize}, stride=${p.strides}${amount ? `, padding=${amount}, count_include_pad=False` : ''})`,
        ];
      }
      const amount = p.padding === 'valid' ? 0 : p.padding;
      if (amount > Math.floor(p.poolSize / 2))
        return [`nn.ZeroPad2d(${amount})`, `nn.AvgPool2d(kernel_size=${p.poolSize}, stride=${p.strides})`];
      return [
        `nn.AvgPool2d(kernel_size=${p.poolSize}, stride=${p.strides}${amount ? `, padding=${amount}` : ''})`,
      ];
    }
    case 'globalAvgPool2d':
      return ['nn.AdaptiveAvgPool2d((1, 1))'];
    case 'batchNorm': {
      const p = layer.params as NodeParamsMap['batchNorm'];
      const kind = layer.inputShapes[0].length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
      // tfjs keeps `momentum` of the old value; PyTorch's momentum weighs the new one.
      const momentum = Number((1 - p.momentum).toFixed(6));
      const options = [String(inC)];
      if (p.epsilon !== 1e-5) options.push(`eps=${pyLiteral(p.epsilon)}`);
      if (momentum !== 0.1) options.push(`momentum=${momentum}`);
      return [`nn.${kind}(${options.join(', ')})`];
    }
    case 'activation': {
      const p = layer.params as NodeParamsMap['activation'];
      return [activationModule(p.fn, p.alpha)];
    }
    case 'dense': {
      const p = layer.params as NodeParamsMap['dense'];
      return [`nn.Linear(${inC}, ${p.units}${p.useBias ? '' : ', bias=False'})`, ...fused(p.activation)];
    }
    case 'dropout':
      return [`nn.Dropout(${pyLiteral((layer.params as NodeParamsMap['dropout']).rate)})`];
    case 'flatten':
      return ['nn.Flatten()'];
    case 'resize': {
      const p = layer.params as NodeParamsMap['resize'];
      return [`Resize((${p.height}, ${p.width}))`];
    }
    case 'vggBlock': {
      const p = layer.params as NodeParamsMap['vggBlock'];
      return [`vgg_block(${p.numConvs}, ${inC}, ${p.filters})`];
    }
    case 'ninBlock': {
      const p = layer.params as NodeParamsMap['ninBlock'];
      const pad = explicitPadding(p.padding, hw(layer.inputShapes[0]), p.kernelSize, p.strides);
      const amount = symmetricAmount(pad);
      if (amount === null)
        throw new ExportError(
          layer.node.id,
          `the NiN block's 'same' padding pads unevenly here; PyTorch's nin_block takes one padding per side — use numeric padding`,
        );
      return [
        `nin_block(${inC}, ${p.filters}, kernel_size=${p.kernelSize}, strides=${p.strides}, padding=${amount})`,
      ];
    }
    case 'inception': {
      const p = layer.params as NodeParamsMap['inception'];
      return [`Inception(${inC}, ${p.c1}, ${pyLiteral(p.c2)}, ${pyLiteral(p.c3)}, ${p.c4})`];
    }
    case 'residual': {
      const p = layer.params as NodeParamsMap['residual'];
      return [
        `Residual(${inC}, ${p.filters}${p.use1x1 ? ', use_1x1conv=True' : ''}${p.strides !== 1 ? `, strides=${p.strides}` : ''})`,
      ];
    }
    case 'denseBlock': {
      const p = layer.params as NodeParamsMap['denseBlock'];
      return [`DenseBlock(${p.numConvs}, ${inC}, ${p.growthRate})`];
    }
    case 'transition':
      return [`transition_block(${inC}, ${(layer.params as NodeParamsMap['transition']).filters})`];
    case 'concat':
    case 'add':
      return [];
    case 'input':
      throw new ExportError(layer.node.id, 'a second input node; the exported model takes one input');
  }
}

function moduleExpression(modules: string[]): string {
  return modules.length === 1 ? modules[0] : `nn.Sequential(${modules.join(', ')})`;
}

function shapeComment(layer: PlannedNode): string {
  const label = layer.node.label ? `${layer.node.label}, ` : '';
  return `# ${pyComment(layer.node.id)} (${label}${layer.type}) → ${formatShape(layer.outputShape)}`;
}

function chainNet(plan: ExportPlan): string {
  const lines: string[] = [];
  for (const layer of plan.layers) {
    lines.push(shapeComment(layer));
    for (const module of modulesFor(layer)) lines.push(`${module},`);
  }
  return `class Net(nn.Module):
    """${pyComment(plan.document.name)} as built in CNN Studio."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
${indent(lines.join('\n'), 3)}
        )

    def forward(self, x):
        return self.net(x)`;
}

function dagNet(plan: ExportPlan): string {
  const init: string[] = [];
  const forward: string[] = [];
  for (const layer of plan.layers) {
    const modules = modulesFor(layer);
    if (modules.length > 0) {
      init.push(shapeComment(layer));
      init.push(`self.${layer.name} = ${moduleExpression(modules)}`);
    }
    if (layer.type === 'concat')
      forward.push(`${layer.name} = torch.cat((${layer.inputs.join(', ')}), dim=1)`);
    else if (layer.type === 'add') forward.push(`${layer.name} = ${layer.inputs.join(' + ')}`);
    else forward.push(`${layer.name} = self.${layer.name}(${layer.inputs[0]})`);
  }
  forward.push(`return ${plan.outputName}`);
  return `class Net(nn.Module):
    """${pyComment(plan.document.name)} as built in CNN Studio."""

    def __init__(self):
        super().__init__()
${indent(init.join('\n'), 2)}

    def forward(self, ${plan.inputName}):
${indent(forward.join('\n'), 2)}`;
}

/** The `model.py` source for a graph. @throws GraphInvalidError, ExportError */
export function pytorchModelSource(plan: ExportPlan): string {
  const used = new Set(plan.layers.map((layer) => layer.type));
  const helpers = Object.entries(BLOCK_SOURCE)
    .filter(([type]) => used.has(type as PlannedNode['type']))
    .map(([, source]) => source);
  if (used.has('resize')) helpers.unshift(RESIZE_SOURCE);
  const [h, w, c] = plan.inputShape;
  const analysis = plan.analysis;
  return `"""${pyComment(plan.document.name)}: exported from CNN Studio.

${plan.document.description ? `${pyComment(plan.document.description)}\n\n` : ''}Input: N × ${c} × ${h} × ${w} (NCHW). Output: N × ${plan.numClasses} class scores (logits).
Trainable parameters: ${analysis.totals.trainable}.
"""
import torch
from torch import nn
from torch.nn import functional as F

INPUT_SHAPE = (${c}, ${h}, ${w})
NUM_CLASSES = ${plan.numClasses}
TRAINABLE_PARAMETERS = ${analysis.totals.trainable}


${[...helpers, plan.isChain ? chainNet(plan) : dagNet(plan)].join('\n\n\n')}


def init_weights(module):
    """Xavier-uniform weights and zero biases, as CNN Studio (and the book) initialize."""
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def load_weights(model, directory):
    """Loads weights exported by CNN Studio (weights.json + weights.bin, already in PyTorch's layout)."""
    import json
    import math
    import os
    with open(os.path.join(directory, 'weights.json')) as f:
        manifest = json.load(f)
    with open(os.path.join(directory, 'weights.bin'), 'rb') as f:
        flat = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    state = model.state_dict()
    with torch.no_grad():
        for entry in manifest['tensors']:
            key, shape, offset = entry['key'], tuple(entry['shape']), entry['offset']
            if key not in state:
                raise KeyError(f'weights.json names {key}, which this model does not have')
            if tuple(state[key].shape) != shape:
                raise ValueError(f'{key}: the model has {tuple(state[key].shape)}, weights.json has {shape}')
            state[key].copy_(flat[offset:offset + math.prod(shape)].view(shape))
    return model


def build_model(weights_dir=None):
    """The network, initialized (or with the weights exported from CNN Studio); it takes NCHW input of INPUT_SHAPE."""
    model = Net()
    model.apply(init_weights)
    if weights_dir is not None:
        load_weights(model, weights_dir)
    return model


if __name__ == '__main__':
    model = build_model()
    out = model(torch.zeros(2, *INPUT_SHAPE))
    print('output', tuple(out.shape), 'trainable', sum(p.numel() for p in model.parameters() if p.requires_grad))
`;
}
