/**
 * The book's PyTorch block classes (each block definition's `export.pytorch`) are written by
 * hand beside the block's `expand()`; this checks they agree, for every block in every preset
 * and a few more settings: the same trainable parameters and running statistics, the same
 * output shape, and trained weights mapped to exactly the block's conv / batch-norm modules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import type { Params, Shape } from '../graph/document';
import { resolveParams } from '../nodes/params';
import { getNodeType, nodeTypes } from '../nodes/registry';
import type { NodeParamsMap, NodeTypeDefinition, NodeTypeId } from '../nodes/types';
import { getPreset, presetIds } from '../presets/index';
import { requireTorch, runPythonJson } from './test-support/python';

interface BlockCase {
  label: string;
  definition: NodeTypeDefinition;
  params: NodeParamsMap[NodeTypeId];
  input: Shape;
}

const blockTypes = nodeTypes.filter((def) => def.expand !== undefined);

function blockCase(label: string, type: string, params: Params, input: Shape): BlockCase {
  const definition = getNodeType(type)!;
  return {
    label,
    definition,
    params: resolveParams(definition, params) as NodeParamsMap[NodeTypeId],
    input,
  };
}

/** Every block node of every preset, and settings the presets do not use. */
function cases(): BlockCase[] {
  const fromPresets = presetIds.flatMap((id) => {
    const doc = getPreset(id);
    const analysis = analyzeGraph(doc);
    return doc.nodes
      .filter((node) => getNodeType(node.type)?.expand)
      .map((node) =>
        blockCase(`${id}/${node.id}`, node.type, node.params, analysis.nodes[node.id].inputShapes[0]),
      );
  });
  const extra = [
    blockCase('vgg 3 convs', 'vggBlock', { numConvs: 3, filters: 5 }, [9, 9, 2]),
    blockCase(
      'nin stride 2, p1',
      'ninBlock',
      { filters: 4, kernelSize: 5, strides: 2, padding: 1 },
      [11, 11, 1],
    ),
    blockCase('nin same', 'ninBlock', { filters: 3, kernelSize: 3, strides: 1, padding: 'same' }, [6, 6, 2]),
    blockCase('residual 1x1 stride 2', 'residual', { filters: 4, use1x1: true, strides: 2 }, [7, 7, 2]),
    blockCase('residual 1x1 stride 1', 'residual', { filters: 3, use1x1: true, strides: 1 }, [5, 5, 2]),
    blockCase('dense block 1 conv', 'denseBlock', { numConvs: 1, growthRate: 2 }, [5, 5, 1]),
    blockCase('transition odd size', 'transition', { filters: 2 }, [7, 7, 4]),
    blockCase(
      'bottleneck projection stride 2',
      'bottleneck',
      { filters: 2, projection: true, strides: 2 },
      [7, 6, 3],
    ),
    blockCase('bottleneck identity', 'bottleneck', { filters: 2, projection: false, strides: 1 }, [5, 5, 8]),
    blockCase('squeeze-excitation', 'squeezeExcitation', { channels: 6, squeezeChannels: 2 }, [5, 4, 6]),
    blockCase(
      'squeeze-excitation, hard gate',
      'squeezeExcitation',
      { channels: 3, squeezeChannels: 1, gate: 'hardSigmoid' },
      [3, 3, 3],
    ),
    blockCase('depthwise-separable', 'depthwiseSeparable', { filters: 5 }, [6, 5, 3]),
    blockCase(
      'depthwise-separable stride 2, multiplier 2',
      'depthwiseSeparable',
      { filters: 4, strides: 2, depthMultiplier: 2 },
      [7, 6, 2],
    ),
    blockCase('inverted residual', 'invertedResidual', { channels: 4, expansion: 6, filters: 4 }, [5, 5, 4]),
    blockCase(
      'inverted residual, no expansion',
      'invertedResidual',
      { channels: 3, expansion: 1, filters: 2 },
      [5, 4, 3],
    ),
    blockCase(
      'inverted residual stride 2 with SE',
      'invertedResidual',
      { channels: 2, expansion: 4, filters: 3, strides: 2, squeezeExcitation: true },
      [7, 6, 2],
    ),
  ];
  return [...fromPresets, ...extra];
}

const script = `
import json, sys, torch
from torch import nn
from torch.nn import functional as F
out = []
for case in json.load(sys.stdin):
    scope = {'torch': torch, 'nn': nn, 'F': F}
    exec(case['helper'], scope)
    module = eval(case['code'], scope).eval()
    h, w, c = case['input']
    with torch.no_grad():
        y = module(torch.zeros(1, c, h, w))
    out.append({
        'shape': [y.shape[2], y.shape[3], y.shape[1]],
        'trainable': sum(p.numel() for p in module.parameters()),
        'nonTrainable': sum(b.numel() for name, b in module.named_buffers() if name.endswith(('running_mean', 'running_var'))),
        'weighted': sorted(name for name, m in module.named_modules() if isinstance(m, (nn.Conv2d, nn.BatchNorm2d)) or type(m).__name__ == 'DepthwiseConv2d'),
    })
print(json.dumps(out))
`;

describe('PyTorch block classes agree with expand()', () => {
  beforeAll(requireTorch);

  it('covers every block type', () => {
    const covered = new Set(cases().map((c) => c.definition.type));
    expect(blockTypes.map((def) => def.type).filter((type) => !covered.has(type))).toEqual([]);
  });

  it('maps trained weights to the conv and batch-norm layers of the subgraph', () => {
    for (const c of cases()) {
      const [module] = moduleOf(c);
      const inner = c.definition.expand!(c.params as never).nodes;
      const expected = inner.flatMap((node) =>
        node.type === 'conv2d'
          ? [`${node.id}_conv`]
          : node.type === 'depthwiseConv2d'
            ? [`${node.id}_dwconv`]
            : node.type === 'batchNorm'
              ? [`${node.id}_bn`]
              : [],
      );
      expect((module.weights ?? []).map((w) => w.tfjsSuffix).sort(), c.label).toEqual(expected.sort());
    }
  });

  it('same parameters, running statistics and output shape for every block and preset', () => {
    const all = cases();
    const results = runPythonJson<
      Array<{ shape: Shape; trainable: number; nonTrainable: number; weighted: string[] }>
    >(
      script,
      all.map((c) => {
        const [module] = moduleOf(c);
        return { helper: c.definition.export!.pytorch!.helper, code: module.code, input: c.input };
      }),
    );
    all.forEach((c, i) => {
      const count = c.definition.paramCount(c.params, [c.input]);
      const [module] = moduleOf(c);
      expect(results[i], c.label).toEqual({
        shape: c.definition.inferShape(c.params, [c.input]),
        trainable: count.trainable,
        nonTrainable: count.nonTrainable,
        weighted: (module.weights ?? []).map((w) => w.path).sort(),
      });
    });
  }, 240_000);
});

function moduleOf(c: BlockCase) {
  const modules = c.definition.export!.pytorch!.modules({
    name: 'block',
    params: c.params,
    inputs: ['x'],
    inputShapes: [c.input],
    outputShape: c.definition.inferShape(c.params, [c.input]),
  });
  expect(modules, `${c.label}: one module per block`).toHaveLength(1);
  return modules;
}
