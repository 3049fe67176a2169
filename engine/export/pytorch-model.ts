/**
 * Graph → a readable PyTorch module (`model.py`): the helper classes of the types the graph
 * uses (the book's block classes, Resize), a `Net` (one `nn.Sequential` for a plain chain,
 * named layers and an explicit `forward` for a branchy graph), and `build_model()` with the
 * book's Xavier init. Input is NCHW, as PyTorch expects. What each layer becomes is its node
 * definition's `export.pytorch` rule (engine/nodes); this file only lays the model out.
 */
import { formatShape } from '../graph/format';
import type { TorchModule } from '../nodes/interchange';
import { applyRules, outputDescription, type ExportPlan, type PlannedNode } from './plan';
import { indent, pyComment, pyLiteral } from './python';
import { isFrozen } from '../graph/freeze';

/**
 * The PyTorch modules one layer becomes, applied in sequence, with the trained weights each
 * receives; empty for a layer done in `forward` alone (concat, add).
 *
 * @throws ExportError naming the node when PyTorch cannot express it.
 */
export function torchModules(layer: PlannedNode): TorchModule[] {
  return applyRules(layer, 'pytorch', (rules) => rules.modules(layer));
}

/** The module expressions of one layer (see {@link torchModules}). */
export function modulesFor(layer: PlannedNode): string[] {
  return torchModules(layer).map((module) => module.code);
}

/** The forward expression of a layer without modules, over its input names. */
function forwardExpression(layer: PlannedNode): string {
  return applyRules(layer, 'pytorch', (rules) => {
    if (!rules.forward)
      throw new Error(`internal: ${layer.type} has neither PyTorch modules nor a forward expression`);
    return rules.forward(layer.inputs);
  });
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
      forward.push(`${layer.name} = self.${layer.name}(${layer.inputs[0]})`);
    } else {
      forward.push(`${layer.name} = ${forwardExpression(layer)}`);
    }
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

/** The Python helpers (classes, functions) the layers' modules call, each once, in order of first use. */
function helpers(plan: ExportPlan): string[] {
  const sources = plan.layers.map((layer) => applyRules(layer, 'pytorch', (rules) => rules.helper));
  return [...new Set(sources.filter((source): source is string => source !== undefined))];
}

/**
 * True when `Net` is one `nn.Sequential` (`net.0`, `net.1`, … in the state_dict): a chain
 * whose every layer has a module (a layer done in `forward` alone has no place in it).
 */
export function isSequentialNet(plan: ExportPlan): boolean {
  return plan.isChain && plan.layers.every((layer) => modulesFor(layer).length > 0);
}

/**
 * The sub-modules of the graph's frozen nodes (`net.3` in a chain, the layer's attribute in
 * a branchy net); a node done in `forward` alone has no weights to freeze.
 */
export function frozenModulePaths(plan: ExportPlan): string[] {
  const chain = isSequentialNet(plan);
  const paths: string[] = [];
  let index = 0;
  for (const layer of plan.layers) {
    const count = modulesFor(layer).length;
    if (isFrozen(layer.node) && count > 0)
      paths.push(...(chain ? Array.from({ length: count }, (_, i) => `net.${index + i}`) : [layer.name]));
    index += count;
  }
  return paths;
}

/** The lines of `build_model` that freeze the frozen nodes' modules (none when nothing is frozen). */
function freezeLines(plan: ExportPlan): string {
  const paths = frozenModulePaths(plan);
  if (paths.length === 0) return '';
  return `
    # Frozen in CNN Studio (transfer learning): these weights are not trained.
    for path in ${pyLiteral(paths)}:
        model.get_submodule(path).requires_grad_(False)`;
}

/** The `model.py` source for a graph. @throws ExportError naming a node PyTorch cannot express. */
export function pytorchModelSource(plan: ExportPlan): string {
  const chain = isSequentialNet(plan);
  const [h, w, c] = plan.inputShape;
  const analysis = plan.analysis;
  return `"""${pyComment(plan.document.name)}: exported from CNN Studio.

${plan.document.description ? `${pyComment(plan.document.description)}\n\n` : ''}Input: N × ${c} × ${h} × ${w} (NCHW). Output: N × ${plan.numClasses} ${outputDescription(plan)}.
Trainable parameters: ${analysis.totals.trainable}.
"""
import torch
from torch import nn
from torch.nn import functional as F

INPUT_SHAPE = (${c}, ${h}, ${w})
NUM_CLASSES = ${plan.numClasses}
TRAINABLE_PARAMETERS = ${analysis.totals.trainable}


${[...helpers(plan), chain ? chainNet(plan) : dagNet(plan)].join('\n\n\n')}


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
        load_weights(model, weights_dir)${freezeLines(plan)}
    return model


if __name__ == '__main__':
    model = build_model()
    out = model(torch.zeros(2, *INPUT_SHAPE))
    print('output', tuple(out.shape), 'trainable', sum(p.numel() for p in model.parameters() if p.requires_grad))
`;
}
