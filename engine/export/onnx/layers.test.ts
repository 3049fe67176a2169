/**
 * ONNX export per layer type and setting: each small graph, with random weights, runs in
 * onnxruntime and predicts what the engine predicts (1e-4). The settings are the ones whose
 * ONNX form differs: 'same' padding with stride 2 (TensorFlow.js pads the odd pixel after),
 * numeric padding in max / average pooling, non-square windows, dilation, depth
 * multipliers, nearest and bilinear upsampling, every activation, merges of branches.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentOf, nodeOf } from '../../graph/test-graphs';
import { conv2d } from '../../nodes/conv2d';
import { registerNodeType } from '../../nodes/registry';
import type { NodeTypeDefinition, NodeTypeId } from '../../nodes/types';
import { ExportError } from '../plan';
import { exportOnnx } from './export';
import { expectSamePredictions, image, layerChain, onnxLayerCases } from '../test-support/onnx';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ONNX export per layer type runs in onnxruntime with the engine predictions', () => {
  it.each(onnxLayerCases)('%s', async (_name, layers) => {
    await expectSamePredictions(layerChain(image, layers));
  });

  it('dense layers with batch norm on vectors and a softmax head', async () => {
    const graph = layerChain(image, [
      ['flatten'],
      ['dense', { units: 8, activation: 'leakyRelu' }],
      ['batchNorm'],
    ]);
    graph.nodes[graph.nodes.length - 1].params = { units: 3, activation: 'softmax' };
    await expectSamePredictions(graph);
  });

  it('branches: concat, add and a squeeze-and-excitation style multiply', async () => {
    const graph = documentOf(
      [
        nodeOf('image', 'input', { height: 8, width: 8, channels: 3 }),
        nodeOf('a', 'conv2d', { filters: 4 }),
        nodeOf('b', 'conv2d', { filters: 4, kernelSize: 1, padding: 0 }),
        nodeOf('sum', 'add'),
        nodeOf('cat', 'concat'),
        nodeOf('squeeze', 'globalAvgPool2d'),
        nodeOf('gate', 'conv2d', { filters: 8, kernelSize: 1, padding: 0, activation: 'sigmoid' }),
        nodeOf('scaled', 'multiply'),
        nodeOf('flat', 'flatten'),
        nodeOf('head', 'dense', { units: 3 }),
      ],
      [
        ['image', 'a'],
        ['image', 'b'],
        ['a', 'sum'],
        ['b', 'sum'],
        ['sum', 'cat'],
        ['a', 'cat'],
        ['cat', 'squeeze'],
        ['squeeze', 'gate'],
        ['cat', 'scaled'],
        ['gate', 'scaled'],
        ['scaled', 'flat'],
        ['flat', 'head'],
      ],
    );
    await expectSamePredictions(graph);
  });

  it('blocks are written as their inner layers with their own weights', async () => {
    await expectSamePredictions(
      layerChain(
        [16, 16, 3],
        [
          ['residual', { filters: 4, use1x1: true, strides: 2 }],
          ['inception', { c1: 2, c2: [2, 3], c3: [1, 2], c4: 2 }],
          ['denseBlock', { numConvs: 2, growthRate: 3 }],
          ['transition', { filters: 4 }],
        ],
      ),
    );
  });

  it('refuses a node type without ONNX rules, naming the node and the type', () => {
    const unregister = registerNodeType({
      ...conv2d,
      type: 'noOnnxConv' as NodeTypeId,
      label: 'No-ONNX conv',
      export: { pytorch: conv2d.export!.pytorch },
      import: undefined,
    } as unknown as NodeTypeDefinition);
    try {
      const graph = layerChain(image, [['noOnnxConv', { filters: 2 }]]);
      expect(() => exportOnnx(graph, () => [])).toThrow(ExportError);
      expect(() => exportOnnx(graph, () => [])).toThrow('node "l1": No-ONNX conv has no ONNX export');
    } finally {
      unregister();
    }
  });
});
