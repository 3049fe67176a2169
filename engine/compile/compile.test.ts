import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphNode,
  type Params,
} from '../graph/document';
import { GraphInvalidError } from '../graph/errors';
import { getPreset } from '../presets/index';
import { compileGraph } from './compile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

function node(id: string, type: string, params: Params = {}, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, type, params, position: { x: 0, y: 0 }, ...extra };
}

/** A document from nodes and `[source, target]` pairs. */
function graph(nodes: GraphNode[], edges: Array<[string, string]>): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'test graph',
    nodes,
    edges: edges.map(([source, target], i) => ({
      id: `e${i}`,
      source,
      sourcePort: 'out',
      target,
      targetPort: 'in',
    })),
    training: DEFAULT_TRAINING,
    layout: { direction: 'TB' },
    meta: {},
  };
}

const tinyNet = (): GraphDocument =>
  graph(
    [
      node('in', 'input', { height: 8, width: 8, channels: 1 }),
      node('c-1', 'conv2d', { filters: 2, kernelSize: 3, padding: 1 }),
      node('p1', 'maxPool2d', { poolSize: 3, strides: 2, padding: 1 }),
      node('r', 'residual', { filters: 3, use1x1: true, strides: 1 }),
      node('flat', 'flatten'),
      node('out', 'dense', { units: 4 }),
    ],
    [
      ['in', 'c-1'],
      ['c-1', 'p1'],
      ['p1', 'r'],
      ['r', 'flat'],
      ['flat', 'out'],
    ],
  );

function weightCount(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((product: number, d) => product * (d ?? 1), 1), 0);
}

describe('compileGraph', () => {
  it.each(['lenet', 'bn-lenet', 'nin', 'googlenet', 'resnet18', 'densenet'])(
    'builds preset %s with the analysed shapes and parameter counts',
    (id) => {
      const doc = getPreset(id);
      const analysis = analyzeGraph(doc);
      const model = compileGraph(tf, doc);
      try {
        expect(model.inputs[0].shape.slice(1)).toEqual(analysis.inputShape);
        expect(model.outputs[0].shape.slice(1)).toEqual(analysis.outputShape);
        expect(weightCount(model.trainableWeights)).toBe(analysis.totals.trainable);
        expect(weightCount(model.nonTrainableWeights)).toBe(analysis.totals.nonTrainable);
      } finally {
        model.dispose();
      }
    },
  );

  it('names layers after node ids, uniquely and the same way every time', () => {
    const names = () => {
      const model = compileGraph(tf, tinyNet());
      const result = model.layers.map((layer) => layer.name);
      model.dispose();
      return result;
    };
    const first = names();
    expect(first).toContain('c_1_conv');
    expect(first).toContain('r_conv1_conv');
    expect(new Set(first).size).toBe(first.length);
    expect(names()).toEqual(first);
  });

  it('trains through numeric-padded max pooling and a residual block', async () => {
    const model = compileGraph(tf, tinyNet());
    model.compile({ optimizer: tf.train.sgd(0.1), loss: tf.losses.softmaxCrossEntropy });
    const xs = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 1);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
    const before = (model.getLayer('c_1_conv').getWeights()[0].arraySync() as number[][][][]).flat(3);
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    const after = (model.getLayer('c_1_conv').getWeights()[0].arraySync() as number[][][][]).flat(3);
    expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);
    expect(after.some((value, i) => value !== before[i])).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('passes a bypassed node through unchanged', () => {
    const doc = graph(
      [
        node('in', 'input', { height: 4, width: 4, channels: 2 }),
        node('c', 'conv2d', { filters: 5, kernelSize: 3, padding: 0 }, { bypassed: true }),
        node('g', 'globalAvgPool2d'),
      ],
      [
        ['in', 'c'],
        ['c', 'g'],
      ],
    );
    const model = compileGraph(tf, doc);
    expect(model.outputs[0].shape).toEqual([null, 1, 1, 2]);
    expect(model.layers.some((layer) => layer.getClassName() === 'Conv2D')).toBe(false);
    model.dispose();
  });

  it('keeps multi-input order: concat channels follow the edge order', () => {
    const doc = graph(
      [
        node('in', 'input', { height: 2, width: 2, channels: 1 }),
        node('wide', 'conv2d', { filters: 3, kernelSize: 1, padding: 0, activation: 'none' }),
        node('cat', 'concat'),
      ],
      [
        ['in', 'wide'],
        ['wide', 'cat'],
        ['in', 'cat'],
      ],
    );
    const model = compileGraph(tf, doc);
    const y = model.predict(tf.ones([1, 2, 2, 1])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 2, 4]);
    // The input (all ones) arrives second, so it is the last channel.
    expect(Array.from(y.slice([0, 0, 0, 3], [1, 2, 2, 1]).dataSync())).toEqual([1, 1, 1, 1]);
    tf.dispose(y);
    model.dispose();
  });

  it('refuses a graph with a dangling side branch (two outputs)', () => {
    const doc = graph(
      [
        node('in', 'input', { height: 4, width: 4, channels: 1 }),
        node('f', 'flatten'),
        node('d', 'dense', { units: 2 }),
        node('side', 'conv2d', { filters: 2, kernelSize: 3, padding: 1 }),
      ],
      [
        ['in', 'f'],
        ['f', 'd'],
        ['in', 'side'],
      ],
    );
    expect(() => compileGraph(tf, doc)).toThrow(GraphInvalidError);
    expect(() => compileGraph(tf, doc)).toThrow(/side/);
  });

  it('throws GraphInvalidError naming the node for an invalid graph', () => {
    const doc = graph(
      [node('in', 'input', { height: 5, width: 5, channels: 1 }), node('d', 'dense', { units: 3 })],
      [['in', 'd']],
    );
    expect(() => compileGraph(tf, doc)).toThrow(GraphInvalidError);
    expect(() => compileGraph(tf, doc)).toThrow(/node d: .*Flatten/);
  });
});
