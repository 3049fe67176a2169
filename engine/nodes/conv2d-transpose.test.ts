/**
 * Transposed convolution and reshape: the PyTorch modules they export compute the compiled
 * tfjs layers' values (weights copied with the conv layout change), the Keras import maps
 * Conv2DTranspose and Reshape with Keras's counts, and bad settings get errors naming them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importLayersModel } from '../export/import-keras';
import { runPythonJson } from '../export/test-support/python';
import { analyzeGraph } from '../graph/analyze';
import { conv2dTranspose } from './conv2d-transpose';
import { resolveParams } from './params';
import { reshape } from './reshape';
import { buildInTorch, chainGraph } from './test-support/export-check';
import type { NodeParamsMap } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const transposeParams = (given: Record<string, unknown>) =>
  resolveParams(conv2dTranspose, given as never) as unknown as NodeParamsMap['conv2dTranspose'];

/** Settings whose PyTorch form differs: plain padding, output padding, 'same' (even and odd k − s), valid with s > k. */
const CASES: Array<Record<string, unknown>> = [
  { filters: 3, kernelSize: 2, strides: 2, padding: 0 },
  { filters: 2, kernelSize: 3, strides: 2, padding: 1, outputPadding: 1 },
  { filters: 2, kernelSize: 4, strides: 2, padding: 'same' },
  { filters: 2, kernelSize: 3, strides: 2, padding: 'same' },
  { filters: 2, kernelSize: 2, strides: 3, padding: 'valid' },
  { filters: 2, kernelSize: [1, 3], strides: [2, 1], padding: 'same', useBias: false },
];

describe('transposed convolution', () => {
  it('gives the tfjs layer’s values in PyTorch (Debian python3-torch)', () => {
    const input = [4, 5, 3] as const;
    const x = tf.randomNormal([2, ...input], 0, 1, 'float32', 11);
    const runs = CASES.map((given, i) => {
      const p = transposeParams(given);
      const symbolic = tf.input({ shape: [...input] });
      const model = tf.model({
        inputs: symbolic,
        outputs: conv2dTranspose.compile({ tf, layerName: (s) => `t${i}_${s}` }, p, [symbolic]),
      });
      const layer = model.getLayer(`t${i}_convt`);
      const [kernel, bias] = layer.getWeights();
      if (bias) layer.setWeights([kernel, tf.randomNormal(bias.shape, 0, 1, 'float32', 5)]);
      const weights = layer.getWeights();
      const modules = conv2dTranspose.export!.pytorch!.modules({
        name: 't',
        params: p,
        inputs: ['x'],
        inputShapes: [input],
        outputShape: conv2dTranspose.inferShape(p, [input]),
      });
      const run = {
        modules: modules.map((module) => module.code),
        kernel: { shape: weights[0].shape, values: Array.from(weights[0].dataSync()) },
        bias: weights[1] ? Array.from(weights[1].dataSync()) : null,
        expected: (model.predict(x) as tf.Tensor).arraySync(),
      };
      model.dispose();
      return run;
    });
    const errors = runPythonJson<Array<number | string>>(
      `
import json, sys, torch
from torch import nn
request = json.load(sys.stdin)
x = torch.tensor(request['x']).permute(0, 3, 1, 2)
errors = []
for run in request['runs']:
    modules = [eval(code) for code in run['modules']]
    kh, kw, cout, cin = run['kernel']['shape']
    kernel = torch.tensor(run['kernel']['values']).reshape(kh, kw, cout, cin).permute(3, 2, 0, 1)
    with torch.no_grad():
        modules[0].weight.copy_(kernel)
        if run['bias'] is not None:
            modules[0].bias.copy_(torch.tensor(run['bias']))
        y = nn.Sequential(*modules)(x).permute(0, 2, 3, 1)
    expected = torch.tensor(run['expected'])
    errors.append((y - expected).abs().max().item() if y.shape == expected.shape else f'shape {list(y.shape)} vs {list(expected.shape)}')
print(json.dumps(errors))`,
      { x: x.arraySync(), runs },
    );
    x.dispose();
    expect(errors.map((error) => typeof error === 'number' && error < 1e-5)).toEqual(CASES.map(() => true));
  }, 60_000);

  it('refuses output padding it cannot give back, naming the settings', () => {
    expect(() =>
      conv2dTranspose.inferShape(
        transposeParams({ kernelSize: 3, strides: 2, padding: 0, outputPadding: 1 }),
        [[4, 4, 2]],
      ),
    ).toThrow(/output padding 1 is more than padding 0/);
    expect(() =>
      conv2dTranspose.inferShape(transposeParams({ padding: 'same', outputPadding: 1 }), [[4, 4, 2]]),
    ).toThrow(/output padding 1 needs padding in pixels, not "same"/);
  });

  it('imports Keras Conv2DTranspose with Keras’s shapes and counts', () => {
    const { document, unmapped } = importLayersModel({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'decoder',
          layers: [
            {
              class_name: 'Conv2DTranspose',
              config: {
                name: 'up1',
                batch_input_shape: [null, 8, 8, 16],
                filters: 8,
                kernel_size: [2, 2],
                strides: [2, 2],
                padding: 'valid',
                activation: 'relu',
              },
            },
            {
              class_name: 'Conv2DTranspose',
              config: {
                name: 'up2',
                filters: 4,
                kernel_size: 3,
                strides: 2,
                padding: 'same',
                use_bias: false,
              },
            },
            {
              class_name: 'Conv2DTranspose',
              config: {
                name: 'up3',
                filters: 2,
                kernel_size: 2,
                strides: 3,
                padding: 'valid',
                output_padding: 1,
              },
            },
          ],
        },
      },
    });
    expect(unmapped).toEqual([]);
    const analysis = analyzeGraph(document);
    expect(analysis.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    // Keras: 8 → 16 (2×2 s2 valid), 16 → 32 ('same' s2), (32 − 1)·3 + 2 + output padding 1 = 96.
    expect(analysis.nodes.up1.outputShape).toEqual([16, 16, 8]);
    expect(analysis.nodes.up2.outputShape).toEqual([32, 32, 4]);
    expect(analysis.nodes.up3.outputShape).toEqual([96, 96, 2]);
    expect(analysis.totals.trainable).toBe(2 * 2 * 16 * 8 + 8 + 3 * 3 * 8 * 4 + 2 * 2 * 4 * 2 + 2);
  });
});

describe('reshape', () => {
  const params = (given: Record<string, unknown>) =>
    resolveParams(reshape, given as never) as unknown as NodeParamsMap['reshape'];

  it('fills in a -1 and names both sizes when they differ', () => {
    expect(reshape.inferShape(params({ height: 1, width: 1, channels: -1 }), [[7, 7, 32]])).toEqual([
      1, 1, 1568,
    ]);
    expect(() => reshape.inferShape(params({ height: 1, width: 1, channels: 1000 }), [[7, 7, 1024]])).toThrow(
      'Reshape: the input 7×7×1024 holds 50,176 values, but 1 × 1 × 1000 holds 1,000',
    );
    expect(() => reshape.inferShape(params({ height: 5, width: -1, channels: 1 }), [[12]])).toThrow(
      /holds 12 values, which 5 × \? × 1 cannot hold/,
    );
    expect(() => reshape.inferShape(params({ height: -1, width: -1, channels: 2 }), [[12]])).toThrow(
      /only one of height, width and channels may be -1/,
    );
  });

  it('imports Keras Reshape, a vector target as a 1×1 image then Flatten (MobileNet v1’s head)', () => {
    const { document, unmapped } = importLayersModel({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'head',
          layers: [
            {
              class_name: 'Reshape',
              config: { name: 'to_image', batch_input_shape: [null, 2, 2, 16], target_shape: [1, 1, 64] },
            },
            {
              class_name: 'Conv2D',
              config: { name: 'preds', filters: 10, kernel_size: [1, 1], padding: 'same' },
            },
            { class_name: 'Reshape', config: { name: 'to_vector', target_shape: [10] } },
          ],
        },
      },
    });
    expect(unmapped).toEqual([]);
    const analysis = analyzeGraph(document);
    expect(analysis.issues).toEqual([]);
    expect(analysis.nodes.to_image.outputShape).toEqual([1, 1, 64]);
    expect(analysis.outputShape).toEqual([10]);
  });

  it('exports models that build in PyTorch with the engine’s shapes and counts', () => {
    const docs = [
      chainGraph(
        'decoder',
        [4, 4, 3],
        [
          ['flat', 'flatten', {}],
          ['d', 'dense', { units: 32 }],
          ['img', 'reshape', { height: 2, width: 2, channels: -1 }],
          ['up', 'conv2dTranspose', { filters: 4, kernelSize: 3, strides: 2, padding: 1, outputPadding: 1 }],
          ['up2', 'conv2dTranspose', { filters: 2, kernelSize: 3, strides: 2, padding: 'same' }],
          ['gap', 'globalAvgPool2d', {}],
          ['flat2', 'flatten', {}],
          ['out', 'dense', { units: 3 }],
        ],
      ),
    ];
    for (const build of buildInTorch(docs)) expect(build.torch, build.name).toEqual(build.engine);
  }, 120_000);
});
