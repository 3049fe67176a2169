/**
 * The layers real CNNs use beyond the book — global max pool, spatial dropout, multiply,
 * upsampling, zero padding and cropping: their shape rules and messages, their Keras import,
 * and their PyTorch / Keras export built in torch with the engine's shapes and counts.
 * (Shapes against the compiled tfjs layers: harness.test.ts.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import type { Params } from '../graph/document';
import { importLayersModel } from '../export/import-keras';
import { compileGraph } from '../compile/compile';
import { resolveParams } from './params';
import { getNodeType } from './registry';
import { buildInTorch, chainGraph } from './test-support/export-check';
import type { NodeParamsMap, NodeTypeDefinition, NodeTypeId } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function def<T extends NodeTypeId>(type: T): NodeTypeDefinition<T> {
  return getNodeType(type) as unknown as NodeTypeDefinition<T>;
}

const paramsOf = <T extends NodeTypeId>(type: T, given: Record<string, unknown>): NodeParamsMap[T] =>
  resolveParams(def(type), given as Params) as unknown as NodeParamsMap[T];

describe('structure layers', () => {
  it('multiply stretches size-1 axes and names inputs that do not fit', () => {
    const multiply = def('multiply');
    expect(
      multiply.inferShape({}, [
        [1, 1, 8],
        [6, 5, 8],
      ]),
    ).toEqual([6, 5, 8]);
    expect(() =>
      multiply.inferShape({}, [
        [6, 5, 8],
        [1, 1, 4],
      ]),
    ).toThrow(/input 2 is \[1, 1, 4\]/);
    expect(() => multiply.inferShape({}, [[6, 5, 8]])).toThrow(/at least 2 inputs/);
  });

  it('cropping refuses to cut away the whole image', () => {
    const p = paramsOf('cropping2d', { top: 2, bottom: 2, left: 0, right: 0 });
    expect(() => def('cropping2d').inferShape(p, [[4, 4, 1]])).toThrow(/leaves nothing of a 4×4 input/);
  });

  it('spatial dropout drops whole channels while training and nothing at inference', () => {
    const input = tf.input({ shape: [4, 4, 6] });
    const out = def('spatialDropout2d').compile(
      { tf, layerName: (s) => `sd_${s}` },
      paramsOf('spatialDropout2d', { rate: 0.5 }),
      [input],
    );
    const model = tf.model({ inputs: input, outputs: out });
    const layer = model.layers[1];
    tf.tidy(() => {
      const x = tf.ones([3, 4, 4, 6]);
      const trained = layer.apply(x, { training: true }) as tf.Tensor;
      // Each example's channel is all zero or all 2 (scaled by 1 / (1 − rate)).
      const perChannel = tf.transpose(trained, [0, 3, 1, 2]).reshape([18, 16]).arraySync() as number[][];
      for (const channel of perChannel) expect(new Set(channel).size).toBe(1);
      expect(new Set(perChannel.map((c) => c[0]))).toEqual(new Set([0, 2]));
      expect((model.predict(x) as tf.Tensor).arraySync()).toEqual(x.arraySync());
    });
    model.dispose();
  });

  it('imports Keras layers of each kind', () => {
    const layers = [
      {
        class_name: 'ZeroPadding2D',
        config: {
          name: 'pad',
          batch_input_shape: [null, 8, 8, 3],
          padding: [
            [0, 1],
            [2, 3],
          ],
        },
      },
      { class_name: 'Cropping2D', config: { name: 'crop', cropping: [1, 2] } },
      { class_name: 'UpSampling2D', config: { name: 'up', size: [2, 1], interpolation: 'bilinear' } },
      { class_name: 'SpatialDropout2D', config: { name: 'sd', rate: 0.1 } },
      { class_name: 'GlobalMaxPooling2D', config: { name: 'gmp' } },
      { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
    ];
    const { document, unmapped } = importLayersModel({
      modelTopology: { class_name: 'Sequential', config: { name: 'm', layers } },
    });
    expect(unmapped).toEqual([]);
    const byId = new Map(document.nodes.map((node) => [node.id, node]));
    expect(byId.get('pad')).toMatchObject({
      type: 'zeroPadding2d',
      params: { top: 0, bottom: 1, left: 2, right: 3 },
    });
    expect(byId.get('crop')).toMatchObject({
      type: 'cropping2d',
      params: { top: 1, bottom: 1, left: 2, right: 2 },
    });
    expect(byId.get('up')).toMatchObject({
      type: 'upSampling2d',
      params: { size: [2, 1], interpolation: 'bilinear' },
    });
    expect(byId.get('sd')).toMatchObject({ type: 'spatialDropout2d', params: { rate: 0.1 } });
    expect(byId.get('gmp')?.type).toBe('globalMaxPool2d');
    expect(byId.get('gmp_flatten')?.type).toBe('flatten');
    const analysis = analyzeGraph(document);
    expect(analysis.valid).toBe(true);
    // 8×8 → pad 9×13 → crop 7×9 → up 14×9.
    expect(analysis.nodes.up.outputShape).toEqual([14, 9, 3]);
    compileGraph(tf, document).dispose();
  });

  it('export to PyTorch and Keras, and torch builds them with the engine’s shapes and counts (Debian python3-torch)', () => {
    const docs = [
      chainGraph(
        'padding-and-cropping',
        [7, 6, 2],
        [
          ['pad', 'zeroPadding2d', { top: 0, bottom: 1, left: 2, right: 0 }],
          ['conv', 'conv2d', { filters: 3, kernelSize: 3, strides: 2, padding: 'valid' }],
          ['crop', 'cropping2d', { top: 1, bottom: 0, left: 0, right: 1 }],
          ['up', 'upSampling2d', { size: [2, 3] }],
          ['upb', 'upSampling2d', { size: 2, interpolation: 'bilinear' }],
          ['sd', 'spatialDropout2d', { rate: 0.2 }],
          ['gmp', 'globalMaxPool2d', {}],
          ['flat', 'flatten', {}],
          ['out', 'dense', { units: 4 }],
        ],
      ),
    ];
    // A squeeze-and-excitation gate: image × sigmoid(conv(relu(conv(global average)))).
    const se = chainGraph(
      'gate',
      [5, 4, 6],
      [
        ['gap', 'globalAvgPool2d', {}],
        ['squeeze', 'conv2d', { filters: 2, kernelSize: 1, padding: 0 }],
        ['excite', 'conv2d', { filters: 6, kernelSize: 1, padding: 0, activation: 'sigmoid' }],
        ['scale', 'multiply', {}],
        ['flat', 'flatten', {}],
        ['out', 'dense', { units: 3 }],
      ],
    );
    se.edges.push({ id: 'skip', source: 'image', sourcePort: 'out', target: 'scale', targetPort: 'in' });
    for (const build of buildInTorch([...docs, se])) expect(build.torch, build.name).toEqual(build.engine);
  }, 120_000);
});
