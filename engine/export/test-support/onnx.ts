/* eslint-disable @typescript-eslint/no-restricted-imports -- test support: compiles models and runs onnxruntime under vitest in Node, never in the app */
/**
 * What the ONNX tests share: a graph compiled with random (but fixed) weights, the engine's
 * predictions, the same graph exported to ONNX and run in onnxruntime.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { compileGraph } from '../../compile/compile';
import { analyzeGraph } from '../../graph/analyze';
import type { GraphDocument, Params } from '../../graph/document';
import { documentOf, nodeOf } from '../../graph/test-graphs';
import { ACTIVATION_NAMES } from '../../nodes/activation';
import { checkImportedGraph } from '../import-repair';
import { applyImportedWeights, layersByNode, type ImportedWeights } from '../imported-weights';
import { exportOnnx, modelWeightSource, ONNX_INPUT, ONNX_OUTPUT } from '../onnx/export';
import { importOnnxModel } from '../onnx/import';
import { encodeOnnxModel } from '../onnx/proto';

/**
 * Sets random weights that keep activations in range: kernels as initialised, biases and
 * batch norm's β and moving mean small, γ and moving variance around 1 (so batch norm's
 * inference form is really exercised).
 */
export function randomizeWeights(model: tf.LayersModel, seed = 7): void {
  const values = model.weights.map((weight, i) => {
    const name = weight.originalName ?? weight.name;
    const shape = weight.shape as number[];
    if (/gamma|moving_variance/.test(name)) return tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + i);
    if (/bias|beta|moving_mean/.test(name)) return tf.randomUniform(shape, -0.2, 0.2, 'float32', seed + i);
    return weight.read().clone();
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** An NHWC batch of random images for a graph's input. */
export function randomImages(graph: GraphDocument, batch: number, seed = 3): tf.Tensor4D {
  const [h, w, c] = analyzeGraph(graph).inputShape!;
  return tf.randomUniform([batch, h, w, c], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** The engine's output for `images`. */
export async function enginePredict(model: tf.LayersModel, images: tf.Tensor4D): Promise<Float32Array> {
  const out = model.predict(images) as tf.Tensor;
  const values = Float32Array.from(await out.data());
  out.dispose();
  return values;
}

/** Runs ONNX bytes in onnxruntime on NHWC `images` (transposed to the model's NCHW input). */
export async function onnxPredict(bytes: Uint8Array, images: tf.Tensor4D): Promise<Float32Array> {
  const nchw = images.transpose([0, 3, 1, 2]);
  const data = Float32Array.from(await nchw.data());
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', data, nchw.shape) });
    return Float32Array.from(result[ONNX_OUTPUT].data as Float32Array);
  } finally {
    nchw.dispose();
    await session.release();
  }
}

/** The largest absolute difference of two equally long arrays. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);
}

/** Compiles `graph` with random weights; returns the model and its ONNX export. */
export function compiledWithOnnx(
  graph: GraphDocument,
  seed = 7,
): { model: tf.LayersModel; onnx: Uint8Array } {
  const model = compileGraph(tf, graph);
  randomizeWeights(model, seed);
  return { model, onnx: exportOnnx(graph, modelWeightSource(model)) };
}

/** Asserts the exported model predicts what the engine predicts, to `tolerance`. */
export async function expectSamePredictions(
  graph: GraphDocument,
  batch = 2,
  tolerance = 1e-4,
): Promise<number> {
  const { model, onnx } = compiledWithOnnx(graph);
  const images = randomImages(graph, batch);
  try {
    const expected = await enginePredict(model, images);
    const actual = await onnxPredict(onnx, images);
    const difference = maxDifference(actual, expected);
    expect(difference).toBeLessThanOrEqual(tolerance);
    return difference;
  } finally {
    images.dispose();
    model.dispose();
  }
}

/** The imported graph compiled with its imported weights (through the imported-weights carrier). */
export function compileImported(graph: GraphDocument, weights: ImportedWeights): tf.LayersModel {
  const layerOwners = new Map<string, string>();
  const model = compileGraph(tf, graph, { layerOwners });
  applyImportedWeights(tf, layersByNode(model, layerOwners), weights);
  return model;
}

/**
 * Exports `graph` (random weights) to ONNX, imports the file, and checks the imported graph:
 * nothing unmapped, valid, the same parameter counts, and the same predictions.
 */
export async function expectRoundTrip(graph: GraphDocument, tolerance = 1e-4): Promise<void> {
  const { model, onnx } = compiledWithOnnx(graph);
  const images = randomImages(graph, 2);
  try {
    const imported = importOnnxModel(onnx);
    expect(imported.unmapped).toEqual([]);
    const checked = checkImportedGraph(imported.document);
    expect(checked.problems).toEqual([]);
    const counts = (document: GraphDocument) => {
      const { trainable, nonTrainable } = analyzeGraph(document).totals;
      return { trainable, nonTrainable };
    };
    expect(counts(checked.document!)).toEqual(counts(graph));
    const back = compileImported(checked.document!, imported.weights);
    try {
      const expected = await enginePredict(model, images);
      const actual = await enginePredict(back, images);
      expect(maxDifference(actual, expected)).toBeLessThanOrEqual(tolerance);
    } finally {
      back.dispose();
    }
  } finally {
    images.dispose();
    model.dispose();
  }
}

export type Layer = [type: string, params?: Params];

/** input [h, w, c] → the layers in a chain → flatten → dense(3). */
export function layerChain(input: [number, number, number], layers: Layer[]): GraphDocument {
  const nodes = [
    nodeOf('image', 'input', { height: input[0], width: input[1], channels: input[2] }),
    ...layers.map(([type, params = {}], i) => nodeOf(`l${i + 1}`, type, params)),
    nodeOf('flat', 'flatten'),
    nodeOf('head', 'dense', { units: 3 }),
  ];
  return documentOf(
    nodes,
    nodes.slice(1).map((node, i) => [nodes[i].id, node.id]),
  );
}

export const image: [number, number, number] = [9, 11, 3];

/** Small chains, one per layer type and setting whose ONNX form differs. */
export const onnxLayerCases: Array<[string, Layer[]]> = [
  ['conv numeric padding', [['conv2d', { filters: 4, kernelSize: 3, padding: 1 }]]],
  [
    'conv same, stride 2 (odd pixel after)',
    [['conv2d', { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }]],
  ],
  [
    'conv valid, non-square kernel and stride',
    [['conv2d', { filters: 5, kernelSize: [1, 3], strides: [2, 1], padding: 'valid' }]],
  ],
  [
    'conv dilation 2, no bias',
    [['conv2d', { filters: 4, kernelSize: 3, dilation: 2, padding: 2, useBias: false }]],
  ],
  [
    'conv uneven numeric padding with stride 2',
    [['conv2d', { filters: 4, kernelSize: 4, strides: 2, padding: 1 }]],
  ],
  [
    'depthwise, multiplier 2, same stride 2',
    [['depthwiseConv2d', { depthMultiplier: 2, kernelSize: 3, strides: 2, padding: 'same' }]],
  ],
  [
    'separable conv',
    [['separableConv2d', { filters: 6, depthMultiplier: 1, kernelSize: 3, padding: 1, activation: 'relu6' }]],
  ],
  ['max pool 3 / 2, padding 1', [['maxPool2d', { poolSize: 3, strides: 2, padding: 1 }]]],
  ['max pool same', [['maxPool2d', { poolSize: 2, strides: 2, padding: 'same' }]]],
  ['avg pool 3 / 2, padding 1 (zeros counted)', [['avgPool2d', { poolSize: 3, strides: 2, padding: 1 }]]],
  ['avg pool same (padding not counted)', [['avgPool2d', { poolSize: 3, strides: 2, padding: 'same' }]]],
  ['avg pool non-square', [['avgPool2d', { poolSize: [2, 3], strides: [2, 3], padding: 'valid' }]]],
  ['global average pool', [['conv2d', { filters: 4 }], ['globalAvgPool2d']]],
  ['global max pool', [['conv2d', { filters: 4 }], ['globalMaxPool2d']]],
  [
    'batch norm on an image',
    [
      ['conv2d', { filters: 4 }],
      ['batchNorm', { epsilon: 1e-3 }],
    ],
  ],
  [
    'dropout and spatial dropout (left out)',
    [
      ['spatialDropout2d', { rate: 0.5 }],
      ['dropout', { rate: 0.5 }],
    ],
  ],
  ['zero padding, asymmetric', [['zeroPadding2d', { top: 1, bottom: 2, left: 0, right: 3 }]]],
  ['cropping, asymmetric', [['cropping2d', { top: 1, bottom: 2, left: 3, right: 0 }]]],
  ['upsampling nearest 2×3', [['upSampling2d', { size: [2, 3], interpolation: 'nearest' }]]],
  ['upsampling bilinear 2', [['upSampling2d', { size: 2, interpolation: 'bilinear' }]]],
  ['resize bilinear to 7×5', [['resize', { height: 7, width: 5 }]]],
  ['resize bilinear to 20×17', [['resize', { height: 20, width: 17 }]]],
  [
    'transposed conv 3 / 2, same',
    [['conv2dTranspose', { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }]],
  ],
  [
    'transposed conv 2 / 3, valid (bias-only rows)',
    [['conv2dTranspose', { filters: 4, kernelSize: 2, strides: 3, padding: 'valid' }]],
  ],
  [
    'transposed conv 3 / 2, padding 1, output padding 1',
    [
      [
        'conv2dTranspose',
        { filters: 3, kernelSize: 3, strides: 2, padding: 1, outputPadding: 1, activation: 'relu' },
      ],
    ],
  ],
  ['reshape an image', [['reshape', { height: 3, width: -1, channels: 3 }]]],
  [
    'reshape a vector into an image',
    [
      ['flatten'],
      ['reshape', { height: 1, width: 1, channels: -1 }],
      ['conv2d', { filters: 2, kernelSize: 1, padding: 0 }],
    ],
  ],
  ...ACTIVATION_NAMES.map((fn): [string, Layer[]] => [
    `activation ${fn}`,
    [
      ['conv2d', { filters: 4, activation: 'none' }],
      ['activation', { fn, alpha: fn === 'elu' ? 0.7 : 0.05 }],
    ],
  ]),
  ...ACTIVATION_NAMES.filter((fn) => fn !== 'softmax').map((fn): [string, Layer[]] => [
    `conv with fused ${fn}`,
    [['conv2d', { filters: 4, activation: fn }]],
  ]),
];

/** A small ONNX file (8×8×3 input) with an op CNN Studio has no node for: relu1 → norm1 (LRN) → pool → flat. */
export function onnxWithLrn(): Uint8Array {
  const image = {
    elemType: 1,
    shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: 8 }, { dimValue: 8 }] },
  };
  return encodeOnnxModel({
    irVersion: 7,
    opsetImport: [{ version: 13 }],
    graph: {
      name: 'lrn-net',
      input: [{ name: 'x', type: { tensorType: image } }],
      output: [{ name: 'y' }],
      node: [
        { name: 'relu1', opType: 'Relu', input: ['x'], output: ['a'] },
        {
          name: 'norm1',
          opType: 'LRN',
          input: ['a'],
          output: ['b'],
          attribute: [{ name: 'size', type: 2, i: 3 }],
        },
        { name: 'pool', opType: 'GlobalAveragePool', input: ['b'], output: ['c'] },
        { name: 'flat', opType: 'Flatten', input: ['c'], output: ['y'] },
      ],
    },
  });
}
