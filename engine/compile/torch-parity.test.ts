/**
 * The compiled model computes what the book's PyTorch code computes. A graph with numeric
 * padding in a stride-2 conv on an even input size (where tfjs 'same' would pad one side
 * only), an even kernel, and max and average pools after tanh (so values are negative and
 * −∞ padding matters) runs in tfjs and, with the same weights, in PyTorch (Debian's
 * python3-torch). Fails with the reason where torch is missing (a skip would look green).
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type Params,
} from '../graph/document';
import { PYTHON, requireTorch } from '../export/test-support/python';
import { compileGraph } from './compile';

/** The same network in PyTorch (NCHW), reading tfjs weights and an NHWC input from stdin. */
const torchScript = `
import json, sys, torch
import torch.nn.functional as F
d = json.load(sys.stdin)
w = {k: torch.tensor(v, dtype=torch.float64) for k, v in d['weights'].items()}
conv_w = lambda k: w[k].permute(3, 2, 0, 1)  # [kh, kw, cin, cout] -> [cout, cin, kh, kw]
x = torch.tensor(d['input'], dtype=torch.float64).permute(0, 3, 1, 2)
x = torch.tanh(F.conv2d(x, conv_w('c1_conv/kernel'), w['c1_conv/bias'], stride=2, padding=1))
x = F.max_pool2d(x, 3, stride=2, padding=1)
x = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=True)
x = F.conv2d(x, conv_w('c2_conv/kernel'), w['c2_conv/bias'], stride=1, padding=1)
x = x.permute(0, 2, 3, 1).flatten(1)  # channels-last flatten, as tfjs
x = F.linear(x, w['d_dense/kernel'].t(), w['d_dense/bias'])
print(json.dumps(x.tolist()))
`;

function parityGraph(): GraphDocument {
  const chain: Array<[string, string, Params]> = [
    ['in', 'input', { height: 12, width: 12, channels: 2 }],
    ['c1', 'conv2d', { filters: 4, kernelSize: 3, strides: 2, padding: 1, activation: 'tanh' }],
    ['p1', 'maxPool2d', { poolSize: 3, strides: 2, padding: 1 }],
    ['p2', 'avgPool2d', { poolSize: 3, strides: 1, padding: 1 }],
    ['c2', 'conv2d', { filters: 3, kernelSize: 2, strides: 1, padding: 1, activation: 'none' }],
    ['f', 'flatten', {}],
    ['d', 'dense', { units: 5 }],
  ];
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'parity',
    nodes: chain.map(([id, type, params]) => ({ id, type, params, position: { x: 0, y: 0 } })),
    edges: chain.slice(1).map(([id], i) => ({
      id: `e${i}`,
      source: chain[i][0],
      sourcePort: 'out',
      target: id,
      targetPort: 'in',
    })),
    training: DEFAULT_TRAINING,
    layout: { direction: 'TB' },
    meta: {},
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PyTorch parity', () => {
  beforeAll(requireTorch);

  it('matches PyTorch on numeric padding, strided and even kernels, max and avg pools', () => {
    const model = compileGraph(tf, parityGraph());
    // Random non-zero biases so bias handling is compared too.
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 2)
        layer.setWeights([weights[0], tf.randomNormal(weights[1].shape, 0, 0.5, 'float32', 7)]);
    }
    const weights = Object.fromEntries(
      model.layers.flatMap((layer) => layer.weights.map((w) => [w.originalName, w.read().arraySync()])),
    );
    const input = tf.randomNormal([2, 12, 12, 2], 0, 1, 'float32', 11);
    const inputValues = input.arraySync();
    const result = spawnSync(PYTHON, ['-c', torchScript], {
      input: JSON.stringify({ input: inputValues, weights }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    tf.dispose(input);
    expect(result.stderr).toBe('');
    const expected = JSON.parse(result.stdout) as number[][];
    const actual = tf.tidy(
      () => (model.predict(tf.tensor(inputValues)) as tf.Tensor).arraySync() as number[][],
    );
    expect(actual.length).toBe(2);
    actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 4)));
    model.dispose();
  });
});
