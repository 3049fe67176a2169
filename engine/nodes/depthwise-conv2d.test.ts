/**
 * Depthwise (and separable) convolution in PyTorch computes what the compiled tfjs layer computes, with the
 * tfjs kernel laid out as any conv's is for PyTorch ([kh, kw, in, m] → [m, in, kh, kw]), so
 * the exporters' conv weight conversion carries it; and the exported models build with the
 * engine's shapes and counts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportCode } from '../export/index';
import { runPythonJson, writeFiles } from '../export/test-support/python';
import { importLayersModel } from '../export/import-keras';
import { analyzeGraph } from '../graph/analyze';
import { depthwiseConv2d } from './depthwise-conv2d';
import { resolveParams } from './params';
import { buildInTorch, chainGraph } from './test-support/export-check';
import type { NodeParamsMap } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CASES: Array<Record<string, unknown>> = [
  { depthMultiplier: 1, kernelSize: 3, padding: 1 },
  { depthMultiplier: 2, kernelSize: [3, 2], strides: [2, 1], padding: 0 },
  { depthMultiplier: 3, kernelSize: 3, padding: 'same', useBias: false },
];

describe('depthwise convolution', () => {
  it('gives the tfjs layer’s values in PyTorch with the conv weight layout (Debian python3-torch)', () => {
    const input = [6, 5, 3] as const;
    const x = tf.randomNormal([2, ...input], 0, 1, 'float32', 7);
    const runs = CASES.map((given, i) => {
      const p = resolveParams(depthwiseConv2d, given as never) as unknown as NodeParamsMap['depthwiseConv2d'];
      const symbolic = tf.input({ shape: [...input] });
      const model = tf.model({
        inputs: symbolic,
        outputs: depthwiseConv2d.compile({ tf, layerName: (s) => `dw${i}_${s}` }, p, [symbolic]),
      });
      const layer = model.getLayer(`dw${i}_dwconv`);
      const [kernel, bias] = layer.getWeights();
      // Biases are zeros at first: give them values so a wrong channel order shows.
      if (bias) layer.setWeights([kernel, tf.randomNormal(bias.shape, 0, 1, 'float32', 3)]);
      const weights = layer.getWeights();
      const run = {
        options: exportCode(
          chainGraph(`dw${i}`, input, [
            ['dw', 'depthwiseConv2d', given as never],
            ['f', 'flatten', {}],
            ['d', 'dense', { units: 2 }],
          ]),
          'pytorch',
        )[0].content.match(/DepthwiseConv2d\([^\n]*\)(?=,\n)/)![0],
        kernel: { shape: weights[0].shape, values: Array.from(weights[0].dataSync()) },
        bias: weights[1] ? Array.from(weights[1].dataSync()) : null,
        expected: (model.predict(x) as tf.Tensor).arraySync(),
      };
      model.dispose();
      return run;
    });
    const dir = writeFiles(
      exportCode(
        chainGraph('dw', input, [
          ['dw', 'depthwiseConv2d', {}],
          ['f', 'flatten', {}],
          ['d', 'dense', { units: 2 }],
        ]),
        'pytorch',
      ),
    );
    const errors = runPythonJson<number[]>(
      `
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(dir)})
from model import DepthwiseConv2d
request = json.load(sys.stdin)
x = torch.tensor(request['x']).permute(0, 3, 1, 2)
errors = []
for run in request['runs']:
    module = eval(run['options'])
    kh, kw, cin, m = run['kernel']['shape']
    kernel = torch.tensor(run['kernel']['values']).reshape(kh, kw, cin, m).permute(3, 2, 0, 1)  # the conv layout
    with torch.no_grad():
        module.weight.copy_(kernel)
        if run['bias'] is not None:
            module.bias.copy_(torch.tensor(run['bias']))
        y = module(x).permute(0, 2, 3, 1)
    errors.append((y - torch.tensor(run['expected'])).abs().max().item())
print(json.dumps(errors))`,
      { x: x.arraySync(), runs },
    );
    x.dispose();
    expect(errors.map((error) => error < 1e-5)).toEqual(CASES.map(() => true));
  }, 60_000);

  it('exports models that build with the engine’s shapes and counts', () => {
    const docs = [
      chainGraph(
        'mobilenet-v1-style',
        [9, 8, 3],
        [
          ['pad', 'zeroPadding2d', { top: 0, bottom: 1, left: 0, right: 1 }],
          ['dw', 'depthwiseConv2d', { strides: 2, padding: 'valid', useBias: false }],
          ['bn', 'batchNorm', {}],
          ['relu', 'activation', { fn: 'relu6' }],
          ['pw', 'conv2d', { filters: 8, kernelSize: 1, padding: 0, activation: 'none' }],
          [
            'dw2',
            'depthwiseConv2d',
            { depthMultiplier: 2, kernelSize: [1, 3], padding: 'same', activation: 'relu6' },
          ],
          [
            'sep',
            'separableConv2d',
            { filters: 5, depthMultiplier: 2, strides: 2, padding: 1, activation: 'swish' },
          ],
          ['gap', 'globalAvgPool2d', {}],
          ['flat', 'flatten', {}],
          ['out', 'dense', { units: 3 }],
        ],
      ),
    ];
    for (const build of buildInTorch(docs)) expect(build.torch, build.name).toEqual(build.engine);
  }, 120_000);

  it('imports Keras SeparableConv2D with the counts Keras gives it', () => {
    const { document, unmapped } = importLayersModel({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            {
              class_name: 'SeparableConv2D',
              config: {
                name: 'sep',
                batch_input_shape: [null, 8, 8, 3],
                filters: 16,
                kernel_size: [3, 3],
                padding: 'same',
                depth_multiplier: 2,
                activation: 'relu',
              },
            },
          ],
        },
      },
    });
    expect(unmapped).toEqual([]);
    const sep = document.nodes.find((node) => node.id === 'sep')!;
    expect(sep).toMatchObject({
      type: 'separableConv2d',
      params: { filters: 16, depthMultiplier: 2, padding: 1 },
    });
    // Keras: 3·3·3·2 depthwise + 3·2·16 pointwise + 16 bias.
    expect(analyzeGraph(document).totals.trainable).toBe(54 + 96 + 16);
  });

  it('refuses dilation, which tfjs-layers’ depthwise layer silently ignores', () => {
    const p = resolveParams(depthwiseConv2d, { dilation: 2 }) as unknown as NodeParamsMap['depthwiseConv2d'];
    expect(() => depthwiseConv2d.inferShape(p, [[7, 7, 2]])).toThrow(
      /no dilated depthwise convolution; set dilation 2 to 1/,
    );
  });

  it('imports Keras DepthwiseConv2D, folding a ZeroPadding2D in front', () => {
    const { document, unmapped } = importLayersModel({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            {
              class_name: 'ZeroPadding2D',
              config: { name: 'pad', batch_input_shape: [null, 8, 8, 3], padding: 1 },
            },
            {
              class_name: 'DepthwiseConv2D',
              config: {
                name: 'dw',
                kernel_size: [3, 3],
                strides: [2, 2],
                padding: 'valid',
                depth_multiplier: 2,
                use_bias: false,
                activation: 'relu6',
              },
            },
          ],
        },
      },
    });
    expect(unmapped).toEqual([]);
    expect(document.nodes.find((node) => node.id === 'dw')).toMatchObject({
      type: 'depthwiseConv2d',
      params: {
        depthMultiplier: 2,
        kernelSize: 3,
        strides: 2,
        padding: 1,
        useBias: false,
        activation: 'relu6',
      },
    });
    expect(document.nodes.some((node) => node.type === 'zeroPadding2d')).toBe(false);
  });
});
