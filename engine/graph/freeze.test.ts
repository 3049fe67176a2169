/**
 * Freezing: a frozen node's parameters count as non-trainable in the summary, the compiled
 * tfjs model agrees and a training step leaves them as they were, files keep the flag, and
 * the PyTorch and Keras exports freeze the same weights (counted in torch).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { exportCode } from '../export/index';
import { chainGraph } from '../nodes/test-support/export-check';
import { runPythonJson, requireTorch, writeFiles } from '../export/test-support/python';
import { getPreset } from '../presets/index';
import { createOptimizer } from '../train/optimizer';
import { trainStep } from '../train/step';
import { analyzeGraph } from './analyze';
import type { GraphDocument } from './document';
import { frozenCount, isFrozen, setFrozen } from './freeze';
import { loadGraphDocument } from './load';
import { serializeGraphDocument } from './serialize';
import { formatSummaryTable } from './summary';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

/** A small branchy net with a block, a batch norm and a dense head. */
function smallNet(): GraphDocument {
  return chainGraph(
    'small',
    [8, 8, 2],
    [
      ['conv', 'conv2d', { filters: 4, kernelSize: 3, padding: 1 }],
      ['bn', 'batchNorm', {}],
      ['res', 'residual', { filters: 4, use1x1: false, strides: 1 }],
      ['gap', 'globalAvgPool2d', {}],
      ['flat', 'flatten', {}],
      ['head', 'dense', { units: 3 }],
    ],
  );
}

const weightCount = (weights: readonly tf.LayerVariable[]): number =>
  weights.reduce((sum, w) => sum + w.shape.reduce((product: number, d) => product * (d ?? 1), 1), 0);

describe('freezing', () => {
  it('moves a frozen node’s parameters to non-trainable; the total stays', () => {
    const doc = smallNet();
    const before = analyzeGraph(doc);
    const frozen = setFrozen(doc, ['conv', 'bn', 'res'], true);
    const after = analyzeGraph(frozen);
    const moved = ['conv', 'bn', 'res'].reduce((sum, id) => sum + before.nodes[id].params.trainable, 0);
    expect(moved).toBeGreaterThan(0);
    expect(after.totals.trainable).toBe(before.totals.trainable - moved);
    expect(after.totals.nonTrainable).toBe(before.totals.nonTrainable + moved);
    expect(after.nodes.res.params).toEqual({
      trainable: 0,
      nonTrainable: before.nodes.res.params.trainable + before.nodes.res.params.nonTrainable,
    });
    expect(after.nodes.head.params).toEqual(before.nodes.head.params);
    expect(formatSummaryTable(frozen, after)).toMatch(/\[frozen\]/);
  });

  it('setFrozen toggles only the listed nodes and keeps unchanged documents', () => {
    const doc = smallNet();
    expect(setFrozen(doc, ['head'], false)).toBe(doc);
    const frozen = setFrozen(doc, ['head', 'nope'], true);
    expect(frozen.nodes.filter(isFrozen).map((node) => node.id)).toEqual(['head']);
    expect(frozen.nodes.find((node) => node.id === 'conv')).toBe(
      doc.nodes.find((node) => node.id === 'conv'),
    );
    const thawed = setFrozen(frozen, ['head'], false);
    expect(thawed.nodes.find((node) => node.id === 'head')).not.toHaveProperty('trainable');
    expect(frozenCount({}, { trainable: 5, nonTrainable: 1 })).toEqual({ trainable: 5, nonTrainable: 1 });
  });

  it('is kept by save and load, written only for frozen nodes', () => {
    const text = serializeGraphDocument(setFrozen(smallNet(), ['conv'], true));
    expect(text.match(/"trainable": false/g)).toHaveLength(1);
    const loaded = loadGraphDocument(JSON.parse(text));
    expect(loaded.nodes.filter(isFrozen).map((node) => node.id)).toEqual(['conv']);
    expect(() =>
      loadGraphDocument({ ...JSON.parse(text), nodes: [{ id: 'x', type: 'input', trainable: 'no' }] }),
    ).toThrow(/trainable/);
  });

  it('compiles frozen layers as non-trainable, and a training step leaves them as they were', () => {
    const doc = setFrozen(smallNet(), ['conv', 'bn', 'res'], true);
    const analysis = analyzeGraph(doc);
    const model = compileGraph(tf, doc);
    const optimizer = createOptimizer(tf, {
      optimizer: 'sgd',
      learningRate: 0.5,
      momentum: 0,
      nesterov: false,
      weightDecay: 0,
    });
    try {
      expect(weightCount(model.trainableWeights)).toBe(analysis.totals.trainable);
      expect(weightCount(model.nonTrainableWeights)).toBe(analysis.totals.nonTrainable);
      const kernel = (name: string) => Array.from(model.getLayer(name).getWeights()[0].dataSync());
      const [frozenBefore, headBefore] = [kernel('res_conv1_conv'), kernel('head_dense')];
      const xs = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
      const context = { tf, model, optimizer, classCount: 3, outputIsProbabilities: false, gradientClip: 0 };
      trainStep(context, xs, labels, 0.5).dispose();
      expect(kernel('res_conv1_conv')).toEqual(frozenBefore);
      expect(kernel('head_dense')).not.toEqual(headBefore);
      xs.dispose();
      labels.dispose();
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });

  it('exports to PyTorch with requires_grad off for the same weights, and to Keras with trainable=False', () => {
    requireTorch();
    // A chain (one nn.Sequential) and a branchy net (named modules).
    const chain = setFrozen(getPreset('bn-lenet'), ['conv1', 'bn1', 'conv2'], true);
    const branchy = setFrozen(getPreset('resnet18'), ['conv1', 'bn1', 'residual1', 'residual2'], true);
    const checks = [chain, branchy].map((doc) => {
      const keras = exportCode(doc, 'keras')[0].content;
      expect(keras).toContain('with frozen():');
      expect(keras).toContain("kwargs['trainable'] = False");
      return {
        dir: writeFiles(exportCode(doc, 'pytorch')),
        trainable: analyzeGraph(doc).totals.trainable,
      };
    });
    const counts = runPythonJson<number[]>(
      `
import importlib.util, json, sys
out = []
for i, check in enumerate(json.load(sys.stdin)):
    spec = importlib.util.spec_from_file_location(f'frozen_{i}', check['dir'] + '/model.py')
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    model = module.build_model()
    out.append(sum(p.numel() for p in model.parameters() if p.requires_grad))
print(json.dumps(out))`,
      checks,
    );
    expect(counts).toEqual(checks.map((check) => check.trainable));
  }, 120_000);
});
