/**
 * Non-square kernel sizes, strides, dilations and pool sizes: a param takes one number or a
 * [height, width] pair, old documents with numbers mean what they meant, and pairs reach the
 * shape rule, the counts, the Keras import and the PyTorch / Keras export.
 */
import { describe, expect, it } from 'vitest';
import { checkParams } from '../graph/check-params';
import type { Params } from '../graph/document';
import { kerasSize, UnmappableLayerError } from './interchange';
import { resolveParams } from './params';
import { getNodeType } from './registry';
import { buildInTorch, chainGraph } from './test-support/export-check';
import type { NodeParamsMap, NodeTypeDefinition, NodeTypeId } from './types';

function def<T extends NodeTypeId>(type: T): NodeTypeDefinition<T> {
  return getNodeType(type) as unknown as NodeTypeDefinition<T>;
}

function paramsOf<T extends NodeTypeId>(type: T, given: Record<string, unknown>): NodeParamsMap[T] {
  return resolveParams(def(type), given as Params) as unknown as NodeParamsMap[T];
}

const problems = (type: NodeTypeId, params: Record<string, unknown>) =>
  checkParams(
    { id: 'n', type, params: params as Params, position: { x: 0, y: 0 } },
    def(type) as NodeTypeDefinition,
  ).map((issue) => issue.message);

describe('window sizes as a number or a [height, width] pair', () => {
  it('validates numbers as before and pairs of whole numbers in range', () => {
    expect(problems('conv2d', { kernelSize: 3, strides: 2, dilation: 1 })).toEqual([]);
    expect(problems('conv2d', { kernelSize: [1, 7], strides: [2, 1], dilation: [1, 2] })).toEqual([]);
    expect(problems('maxPool2d', { poolSize: [3, 2], strides: [1, 2] })).toEqual([]);
    expect(problems('conv2d', { kernelSize: [1, 0] })).toEqual([
      'kernelSize must be a whole number from 1 to 64, or a [height, width] pair of them, got [1,0]',
    ]);
    expect(problems('conv2d', { kernelSize: [1, 2, 3] })).toHaveLength(1);
    expect(problems('avgPool2d', { poolSize: 65 })[0]).toMatch(
      /^poolSize must be a whole number from 1 to 64/,
    );
  });

  it('shapes, counts and summarizes each axis by its own size', () => {
    const conv = def('conv2d');
    const p = paramsOf('conv2d', { filters: 4, kernelSize: [1, 7], strides: [1, 2], padding: 'valid' });
    expect(conv.inferShape(p, [[17, 17, 8]])).toEqual([17, 6, 4]);
    expect(conv.paramCount(p, [[17, 17, 8]])).toEqual({ trainable: 7 * 8 * 4 + 4, nonTrainable: 0 });
    expect(conv.macs(p, [[17, 17, 8]], [17, 6, 4])).toBe(17 * 6 * 4 * 7 * 8);
    expect(conv.summarize(p)).toBe('1×7 · 4 · s1×2 · relu');
    expect(() =>
      conv.inferShape(paramsOf('conv2d', { strides: [1, 2], dilation: [2, 1] }), [[9, 9, 1]]),
    ).toThrow(/stride 1×2 with dilation 2×1/);
    const pool = def('maxPool2d');
    const q = paramsOf('maxPool2d', { poolSize: [3, 1], strides: [2, 1] });
    expect(pool.inferShape(q, [[9, 4, 2]])).toEqual([4, 4, 2]);
    expect(pool.summarize(q)).toBe('3×1 · s2×1');
    // Numeric padding may be at most half the smaller side of the window.
    expect(() =>
      pool.inferShape(paramsOf('maxPool2d', { poolSize: [3, 1], padding: 1 }), [[9, 4, 2]]),
    ).toThrow(/more than half the pool size 3×1; use padding ≤ 0/);
    // A square pair and a number are the same thing.
    expect(conv.summarize(paramsOf('conv2d', { kernelSize: [3, 3] }))).toBe(
      conv.summarize(paramsOf('conv2d', {})),
    );
  });

  it('imports Keras sizes as numbers when square, pairs otherwise', () => {
    expect(kerasSize([3, 3], 'kernel size')).toBe(3);
    expect(kerasSize(2, 'strides')).toBe(2);
    expect(kerasSize([1, 7], 'kernel size')).toEqual([1, 7]);
    expect(() => kerasSize(undefined, 'kernel size')).toThrow(/kernel size is missing/);
    expect(() => kerasSize([1, 2, 3], 'kernel size')).toThrow(UnmappableLayerError);
    const conv = def('conv2d').import!.fromKeras(
      {
        name: 'c',
        className: 'Conv2D',
        config: { filters: 8, kernel_size: [1, 7], strides: [1, 1], padding: 'same', use_bias: false },
      },
      null,
    );
    // 'same' stays 'same' for a non-square kernel: no single number of pixels per side is equal to it.
    expect(conv?.params).toMatchObject({ kernelSize: [1, 7], strides: 1, padding: 'same', useBias: false });
    const pool = def('maxPool2d').import!.fromKeras(
      { name: 'p', className: 'MaxPooling2D', config: { pool_size: [2, 1], padding: 'valid' } },
      null,
    );
    expect(pool?.params).toEqual({ poolSize: [2, 1], strides: [2, 1], padding: 'valid' });
  });

  it('exports to PyTorch, which builds them with the engine’s shapes and counts (Debian python3-torch)', () => {
    const docs = [
      chainGraph(
        'inception-v3-style',
        [13, 8, 3],
        [
          ['c17', 'conv2d', { filters: 4, kernelSize: [1, 7], padding: 'same' }],
          ['c71', 'conv2d', { filters: 5, kernelSize: [7, 1], padding: 3, useBias: false }],
          ['c13s', 'conv2d', { filters: 3, kernelSize: [1, 3], strides: [2, 1], padding: 'same' }],
          ['dil', 'conv2d', { filters: 2, kernelSize: 3, dilation: [2, 1], padding: 'valid' }],
          ['mp', 'maxPool2d', { poolSize: [2, 1], strides: [1, 1] }],
          ['ap', 'avgPool2d', { poolSize: [1, 2], padding: 'same' }],
          ['flat', 'flatten', {}],
          ['out', 'dense', { units: 3 }],
        ],
      ),
    ];
    for (const build of buildInTorch(docs)) expect(build.torch, build.name).toEqual(build.engine);
  }, 120_000);
});
