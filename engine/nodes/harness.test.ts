/**
 * The per-node-type harness (Keras style): for every node type and several param
 * combinations, compile the node into a tiny tfjs model and check that
 * - `inferShape` equals the compiled symbolic output shape and the shape of a real forward pass;
 * - `paramCount` equals the built model's trainable / non-trainable weight counts;
 * - `macs` equals the multiply-adds of the built layers (every kernel weight used once per
 *   output position, as Keras-style summaries count them).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params, Shape } from '../graph/document';
import { ACTIVATION_NAMES, FUSED_ACTIVATIONS } from './activation';
import { resolveParams } from './params';
import { getNodeType, nodeTypes } from './registry';
import type { CompileContext, NodeParamsMap, NodeTypeDefinition, NodeTypeId } from './types';

interface HarnessCase {
  type: NodeTypeId;
  /** Given params (the rest take their defaults). */
  params: Record<string, unknown>;
  inputs: Shape[];
}

const cases: HarnessCase[] = [
  { type: 'input', params: { height: 5, width: 7, channels: 3 }, inputs: [] },
  // conv2d: the 'same' shortcut, explicit numeric padding (stride 2, even kernel), Keras modes, dilation.
  { type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 1, padding: 1 }, inputs: [[9, 7, 2]] },
  { type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 2, padding: 1 }, inputs: [[9, 7, 2]] },
  { type: 'conv2d', params: { filters: 3, kernelSize: 4, strides: 1, padding: 1 }, inputs: [[8, 8, 1]] },
  { type: 'conv2d', params: { filters: 3, kernelSize: 5, strides: 2, padding: 2 }, inputs: [[11, 10, 3]] },
  { type: 'conv2d', params: { filters: 5, kernelSize: 5, strides: 2, padding: 'same' }, inputs: [[9, 9, 2]] },
  {
    type: 'conv2d',
    params: { filters: 2, kernelSize: 3, strides: 3, padding: 'valid', useBias: false },
    inputs: [[10, 8, 3]],
  },
  { type: 'conv2d', params: { filters: 2, kernelSize: 3, dilation: 2, padding: 2 }, inputs: [[7, 7, 1]] },
  { type: 'conv2d', params: { filters: 2, kernelSize: 3, dilation: 2, padding: 1 }, inputs: [[7, 7, 1]] },
  {
    type: 'conv2d',
    params: { filters: 2, kernelSize: 1, strides: 2, padding: 0, useBias: false },
    inputs: [[5, 5, 4]],
  },
  // Non-square kernels, strides and dilations (pairs are [height, width]).
  { type: 'conv2d', params: { filters: 3, kernelSize: [1, 3], padding: 'same' }, inputs: [[6, 5, 2]] },
  { type: 'conv2d', params: { filters: 3, kernelSize: [3, 1], padding: 1 }, inputs: [[6, 5, 2]] },
  { type: 'conv2d', params: { filters: 2, kernelSize: [1, 7], padding: 'valid' }, inputs: [[4, 9, 1]] },
  { type: 'conv2d', params: { filters: 2, kernelSize: 3, strides: [2, 1], padding: 1 }, inputs: [[7, 6, 2]] },
  {
    type: 'conv2d',
    params: { filters: 2, kernelSize: [2, 3], strides: [1, 2], padding: 'same' },
    inputs: [[5, 7, 1]],
  },
  {
    type: 'conv2d',
    params: { filters: 2, kernelSize: 3, dilation: [2, 1], padding: 'valid' },
    inputs: [[7, 7, 1]],
  },
  {
    type: 'conv2d',
    params: { filters: 2, kernelSize: [3, 3], dilation: [1, 1], padding: 1 },
    inputs: [[5, 5, 1]],
  },
  ...FUSED_ACTIVATIONS.map((activation) => ({
    type: 'conv2d' as const,
    params: { filters: 2, kernelSize: 3, padding: 1, activation },
    inputs: [[5, 5, 1]],
  })),
  { type: 'depthwiseConv2d', params: {}, inputs: [[6, 5, 3]] },
  {
    type: 'depthwiseConv2d',
    params: { depthMultiplier: 2, strides: 2, padding: 'same' },
    inputs: [[7, 6, 3]],
  },
  {
    type: 'depthwiseConv2d',
    params: { kernelSize: [1, 3], strides: [2, 1], padding: 1, useBias: false },
    inputs: [[7, 6, 2]],
  },
  {
    type: 'depthwiseConv2d',
    params: { kernelSize: 5, padding: 2, activation: 'relu6' },
    inputs: [[7, 7, 2]],
  },
  { type: 'separableConv2d', params: { filters: 4 }, inputs: [[6, 5, 3]] },
  {
    type: 'separableConv2d',
    params: {
      filters: 3,
      depthMultiplier: 2,
      kernelSize: [3, 1],
      strides: 2,
      padding: 'same',
      useBias: false,
      activation: 'relu',
    },
    inputs: [[7, 6, 2]],
  },
  // Transposed conv: U-Net's 2×2 stride 2, PyTorch padding with output padding, 'same', a
  // stride larger than the kernel (bias-only rows), non-square windows.
  { type: 'conv2dTranspose', params: { filters: 3 }, inputs: [[4, 5, 2]] },
  {
    type: 'conv2dTranspose',
    params: { filters: 2, kernelSize: 3, strides: 2, padding: 1, outputPadding: 1, activation: 'relu' },
    inputs: [[4, 3, 3]],
  },
  {
    type: 'conv2dTranspose',
    params: { filters: 2, kernelSize: 3, strides: 2, padding: 'same' },
    inputs: [[3, 4, 1]],
  },
  {
    type: 'conv2dTranspose',
    params: { filters: 2, kernelSize: 4, strides: 2, padding: 'same' },
    inputs: [[3, 3, 2]],
  },
  {
    type: 'conv2dTranspose',
    params: { filters: 2, kernelSize: 2, strides: 3, padding: 'valid' },
    inputs: [[3, 3, 1]],
  },
  {
    type: 'conv2dTranspose',
    params: {
      filters: 2,
      kernelSize: [1, 2],
      strides: [1, 3],
      padding: 0,
      outputPadding: [0, 1],
      useBias: false,
    },
    inputs: [[3, 4, 2]],
  },
  {
    type: 'conv2dTranspose',
    params: { filters: 1, kernelSize: 3, strides: 1, padding: 1, activation: 'leakyRelu' },
    inputs: [[5, 5, 2]],
  },
  ...(['maxPool2d', 'avgPool2d'] as const).flatMap((type) => [
    { type, params: { poolSize: 2 }, inputs: [[8, 6, 3]] },
    { type, params: { poolSize: 2 }, inputs: [[7, 9, 3]] },
    { type, params: { poolSize: 3, strides: 2, padding: 1 }, inputs: [[7, 9, 2]] },
    { type, params: { poolSize: 3, strides: 1, padding: 1 }, inputs: [[5, 5, 2]] },
    { type, params: { poolSize: 2, strides: 2, padding: 'same' }, inputs: [[7, 9, 3]] },
    { type, params: { poolSize: 3, strides: 2, padding: 'valid' }, inputs: [[9, 9, 1]] },
    { type, params: { poolSize: [1, 2] }, inputs: [[5, 8, 2]] },
    { type, params: { poolSize: [3, 2], strides: [1, 2], padding: 1 }, inputs: [[6, 7, 2]] },
    { type, params: { poolSize: 2, strides: [2, 1], padding: 'same' }, inputs: [[5, 5, 1]] },
  ]),
  { type: 'globalAvgPool2d', params: {}, inputs: [[5, 7, 3]] },
  { type: 'batchNorm', params: {}, inputs: [[5, 5, 4]] },
  { type: 'batchNorm', params: { momentum: 0.99, epsilon: 1e-3 }, inputs: [[6]] },
  ...ACTIVATION_NAMES.map((fn) => ({
    type: 'activation' as const,
    params: { fn },
    inputs: [[3, 3, 2]],
  })),
  { type: 'activation', params: { fn: 'leakyRelu', alpha: 0.2 }, inputs: [[3, 3, 2]] },
  { type: 'activation', params: { fn: 'elu' }, inputs: [[7]] },
  // tfjs's own ELU layer refuses alpha ≠ 1.
  { type: 'activation', params: { fn: 'elu', alpha: 0.5 }, inputs: [[7]] },
  ...FUSED_ACTIVATIONS.map((activation) => ({
    type: 'dense' as const,
    params: { units: 5, activation },
    inputs: [[12]],
  })),
  { type: 'dense', params: { units: 3, useBias: false }, inputs: [[7]] },
  { type: 'dropout', params: { rate: 0.3 }, inputs: [[4, 4, 2]] },
  { type: 'dropout', params: {}, inputs: [[8]] },
  { type: 'flatten', params: {}, inputs: [[3, 4, 5]] },
  { type: 'flatten', params: {}, inputs: [[6]] },
  {
    type: 'concat',
    params: {},
    inputs: [
      [4, 4, 2],
      [4, 4, 3],
    ],
  },
  {
    type: 'concat',
    params: {},
    inputs: [
      [3, 5, 1],
      [3, 5, 1],
      [3, 5, 4],
    ],
  },
  { type: 'concat', params: {}, inputs: [[3], [5]] },
  {
    type: 'add',
    params: {},
    inputs: [
      [4, 4, 2],
      [4, 4, 2],
    ],
  },
  { type: 'add', params: {}, inputs: [[5], [5], [5]] },
  { type: 'globalMaxPool2d', params: {}, inputs: [[5, 7, 3]] },
  { type: 'spatialDropout2d', params: { rate: 0.3 }, inputs: [[4, 5, 3]] },
  {
    type: 'multiply',
    params: {},
    inputs: [
      [4, 4, 2],
      [4, 4, 2],
    ],
  },
  {
    type: 'multiply',
    params: {},
    inputs: [
      [4, 5, 3],
      [1, 1, 3],
    ],
  },
  { type: 'multiply', params: {}, inputs: [[5], [5], [5]] },
  { type: 'upSampling2d', params: {}, inputs: [[3, 4, 2]] },
  { type: 'upSampling2d', params: { size: [2, 3], interpolation: 'bilinear' }, inputs: [[3, 4, 2]] },
  { type: 'zeroPadding2d', params: {}, inputs: [[5, 6, 2]] },
  { type: 'zeroPadding2d', params: { top: 2, bottom: 0, left: 3, right: 1 }, inputs: [[5, 6, 2]] },
  { type: 'cropping2d', params: { top: 1, bottom: 2, left: 0, right: 3 }, inputs: [[6, 7, 2]] },
  { type: 'reshape', params: { height: 1, width: 1, channels: -1 }, inputs: [[2, 3, 4]] },
  { type: 'reshape', params: { height: 4, width: -1, channels: 2 }, inputs: [[24]] },
  { type: 'reshape', params: { height: 3, width: 2, channels: 4 }, inputs: [[4, 3, 2]] },
  { type: 'resize', params: { height: 9, width: 3 }, inputs: [[5, 7, 2]] },
  { type: 'resize', params: { height: 4, width: 4 }, inputs: [[8, 8, 1]] },
  { type: 'vggBlock', params: { numConvs: 1, filters: 4 }, inputs: [[8, 8, 1]] },
  { type: 'vggBlock', params: { numConvs: 3, filters: 2 }, inputs: [[9, 9, 3]] },
  { type: 'ninBlock', params: { filters: 4, kernelSize: 5, strides: 2, padding: 1 }, inputs: [[11, 11, 1]] },
  {
    type: 'ninBlock',
    params: { filters: 3, kernelSize: 3, strides: 1, padding: 'same' },
    inputs: [[6, 6, 2]],
  },
  { type: 'ninBlock', params: { filters: 2, kernelSize: 3, strides: 2, padding: 0 }, inputs: [[9, 7, 2]] },
  { type: 'inception', params: { c1: 2, c2: [3, 4], c3: [1, 2], c4: 2 }, inputs: [[6, 6, 3]] },
  { type: 'inception', params: { c1: 1, c2: [2, 2], c3: [2, 3], c4: 1 }, inputs: [[7, 5, 2]] },
  { type: 'residual', params: { filters: 4, use1x1: false, strides: 1 }, inputs: [[6, 6, 4]] },
  { type: 'residual', params: { filters: 4, use1x1: true, strides: 2 }, inputs: [[7, 7, 2]] },
  { type: 'residual', params: { filters: 3, use1x1: true, strides: 1 }, inputs: [[5, 5, 2]] },
  { type: 'denseBlock', params: { numConvs: 2, growthRate: 3 }, inputs: [[6, 6, 2]] },
  { type: 'denseBlock', params: { numConvs: 1, growthRate: 2 }, inputs: [[5, 5, 1]] },
  { type: 'transition', params: { filters: 3 }, inputs: [[6, 6, 5]] },
  { type: 'transition', params: { filters: 2 }, inputs: [[7, 7, 4]] },
  { type: 'bottleneck', params: { filters: 2, projection: true, strides: 2 }, inputs: [[7, 6, 3]] },
  { type: 'bottleneck', params: { filters: 2, projection: false }, inputs: [[5, 5, 8]] },
  { type: 'squeezeExcitation', params: { channels: 6, squeezeChannels: 2 }, inputs: [[5, 4, 6]] },
  {
    type: 'squeezeExcitation',
    params: { channels: 3, squeezeChannels: 1, gate: 'hardSigmoid' },
    inputs: [[3, 3, 3]],
  },
  { type: 'depthwiseSeparable', params: { filters: 5 }, inputs: [[6, 5, 3]] },
  { type: 'depthwiseSeparable', params: { filters: 4, strides: 2, depthMultiplier: 2 }, inputs: [[7, 6, 2]] },
  // Inverted residual: with the residual, without the expanding conv, stride 2, with SE.
  { type: 'invertedResidual', params: { channels: 4, expansion: 6, filters: 4 }, inputs: [[5, 5, 4]] },
  { type: 'invertedResidual', params: { channels: 3, expansion: 1, filters: 2 }, inputs: [[5, 4, 3]] },
  {
    type: 'invertedResidual',
    params: { channels: 2, expansion: 4, filters: 3, strides: 2, squeezeExcitation: true },
    inputs: [[7, 6, 2]],
  },
  {
    type: 'invertedResidual',
    params: { channels: 8, expansion: 2, filters: 8, squeezeExcitation: true },
    inputs: [[3, 3, 8]],
  },
];

function definition(type: NodeTypeId): NodeTypeDefinition {
  const def = getNodeType(type);
  if (!def) throw new Error(`no definition for ${type}`);
  return def;
}

function weightCount(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((product: number, d) => product * (d ?? 1), 1), 0);
}

/**
 * Multiply-adds of a built model, from its layers alone: a kernel of k weights (a dense
 * layer's in × out, a conv's kh × kw × in × out) does k multiply-adds per output position.
 */
function builtMacs(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const kernel = layer.weights.find((weight) => /kernel$/.test(weight.originalName));
    if (!kernel) continue;
    // A transposed conv meets every kernel weight once per *input* position.
    const transposed = layer.getClassName() === 'Conv2DTranspose';
    const output = (
      transposed
        ? (layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape)
        : layer.outputShape
    ) as number[];
    const positions = output.slice(1, -1).reduce((product, d) => product * d, 1);
    total += positions * kernel.shape.reduce((product: number, d) => product * (d ?? 1), 1);
  }
  return total;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

describe('node-type harness', () => {
  it('covers every registry type', () => {
    const covered = new Set(cases.map((c) => c.type));
    expect(nodeTypes.filter((def) => !covered.has(def.type)).map((def) => def.type)).toEqual([]);
  });

  it.each(
    cases.map(
      (c, i) => [`${c.type} ${JSON.stringify(c.params)} on ${JSON.stringify(c.inputs)}`, c, i] as const,
    ),
  )('%s', (_name, c, index) => {
    const def = definition(c.type);
    const params = resolveParams(def, c.params as Params) as unknown as NodeParamsMap[NodeTypeId];
    const expectedShape = def.inferShape(params, c.inputs);
    const ctx: CompileContext = { tf, layerName: (suffix) => `case${index}_${suffix}` };
    const inputs = c.inputs.map((shape, i) => tf.input({ shape: [...shape], name: `case${index}_in${i}` }));
    const output = def.compile(ctx, params, inputs);
    expect(output.shape.slice(1)).toEqual(expectedShape);
    if (c.type === 'input') return;

    const model = tf.model({ inputs, outputs: output });
    try {
      const expectedCount = def.paramCount(params, c.inputs);
      expect({
        trainable: weightCount(model.trainableWeights),
        nonTrainable: weightCount(model.nonTrainableWeights),
      }).toEqual(expectedCount);
      expect(model.countParams()).toBe(expectedCount.trainable + expectedCount.nonTrainable);
      expect(def.macs(params, c.inputs, expectedShape)).toBe(builtMacs(model));

      const actualShape = tf.tidy(() => {
        const xs = c.inputs.map((shape) => tf.randomNormal([2, ...shape]));
        const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
        expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
        return y.shape.slice(1);
      });
      expect(actualShape).toEqual(expectedShape);
    } finally {
      model.dispose();
    }
  });
});
