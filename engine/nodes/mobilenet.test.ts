/**
 * The MobileNet blocks build Keras Applications' networks with Keras's counts:
 * keras.applications.MobileNet (alpha 1.0, 224×224, 1,000 classes) from thirteen
 * depthwise-separable blocks and its conv-and-reshape head, 4,253,864 parameters (the Keras
 * Applications table), of which 21,888 are the batch norms' moving statistics. (MobileNetV2
 * from inverted residuals: the mobilenetv2 preset, engine/presets/presets.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { chainGraph, type ChainLayer } from './test-support/export-check';

function mobilenetV1Layers(): ChainLayer[] {
  const blocks: Array<[filters: number, strides: number]> = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  return [
    [
      'conv1',
      'conv2d',
      { filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'none', useBias: false },
    ],
    ['conv1_bn', 'batchNorm', { momentum: 0.99, epsilon: 1e-3 }],
    ['conv1_relu', 'activation', { fn: 'relu6' }],
    ...blocks.map(([filters, strides], i): ChainLayer => [
      `block${i + 1}`,
      'depthwiseSeparable',
      { filters, strides },
    ]),
    ['gap', 'globalAvgPool2d', {}],
    ['dropout', 'dropout', { rate: 1e-3 }],
    ['conv_preds', 'conv2d', { filters: 1000, kernelSize: 1, padding: 'same', activation: 'none' }],
    ['reshape', 'reshape', { height: 1, width: 1, channels: 1000 }],
    ['flatten', 'flatten', {}],
    ['softmax', 'activation', { fn: 'softmax' }],
  ];
}

describe('depthwise-separable block', () => {
  it('builds Keras Applications’ MobileNet with its parameter counts', () => {
    const analysis = analyzeGraph(chainGraph('MobileNet', [224, 224, 3], mobilenetV1Layers()));
    expect(analysis.issues).toEqual([]);
    expect(analysis.nodes.block13.outputShape).toEqual([7, 7, 1024]);
    expect(analysis.outputShape).toEqual([1000]);
    expect(analysis.totals.trainable + analysis.totals.nonTrainable).toBe(4_253_864);
    expect(analysis.totals.nonTrainable).toBe(21_888);
  });
});
