/**
 * The bottleneck block builds Keras Applications' ResNet-50 with Keras's exact counts
 * (keras.applications.ResNet50(weights=None): 25,583,592 trainable, 53,120 non-trainable).
 * (Block against its PyTorch class: engine/export/block-classes.test.ts; against tfjs: the harness.)
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { chainGraph, type ChainLayer } from './test-support/export-check';

/** ResNet-50: stem, stages of 3, 4, 6 and 3 bottlenecks (64, 128, 256, 512 filters), head. */
function resnet50Layers(): ChainLayer[] {
  const bn: ChainLayer[2] = { momentum: 0.99, epsilon: 1.001e-5 };
  const stem: ChainLayer[] = [
    ['stem_conv', 'conv2d', { filters: 64, kernelSize: 7, strides: 2, padding: 3, activation: 'none' }],
    ['stem_bn', 'batchNorm', bn],
    ['stem_relu', 'activation', { fn: 'relu' }],
    ['stem_pool', 'maxPool2d', { poolSize: 3, strides: 2, padding: 1 }],
  ];
  const stages: Array<[filters: number, blocks: number, strides: number]> = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  const blocks = stages.flatMap(([filters, count, strides], stage) =>
    Array.from({ length: count }, (_, i): ChainLayer => [
      `stage${stage + 2}_block${i + 1}`,
      'bottleneck',
      { filters, projection: i === 0, strides: i === 0 ? strides : 1 },
    ]),
  );
  const head: ChainLayer[] = [
    ['avg_pool', 'globalAvgPool2d', {}],
    ['flatten', 'flatten', {}],
    ['predictions', 'dense', { units: 1000, activation: 'softmax' }],
  ];
  return [...stem, ...blocks, ...head];
}

describe('bottleneck block', () => {
  it('builds ResNet-50 with the parameter counts of Keras Applications', () => {
    const analysis = analyzeGraph(chainGraph('ResNet-50', [224, 224, 3], resnet50Layers()));
    expect(analysis.valid).toBe(true);
    expect(analysis.outputShape).toEqual([1000]);
    expect(analysis.totals.trainable).toBe(25_583_592);
    expect(analysis.totals.nonTrainable).toBe(53_120);
  });
});
