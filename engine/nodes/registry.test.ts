import { describe, expect, it } from 'vitest';
import type { Shape } from '../graph/document';
import { defaultParams, resolveParams } from './params';
import { getNodeType, isNodeTypeId, nodeTypes } from './registry';
import { ShapeError, type NodeParamsMap, type NodeTypeDefinition, type NodeTypeId } from './types';

/** Every id of the NodeTypeId union; the `satisfies` line fails to compile if one is missing. */
const allTypeIds = {
  input: 1,
  conv2d: 1,
  maxPool2d: 1,
  avgPool2d: 1,
  globalAvgPool2d: 1,
  batchNorm: 1,
  activation: 1,
  dense: 1,
  dropout: 1,
  flatten: 1,
  concat: 1,
  add: 1,
  multiply: 1,
  squeezeExcitation: 1,
  bottleneck: 1,
  depthwiseConv2d: 1,
  separableConv2d: 1,
  resize: 1,
  upSampling2d: 1,
  zeroPadding2d: 1,
  cropping2d: 1,
  globalMaxPool2d: 1,
  spatialDropout2d: 1,
  vggBlock: 1,
  ninBlock: 1,
  inception: 1,
  residual: 1,
  denseBlock: 1,
  transition: 1,
  conv2dTranspose: 1,
  reshape: 1,
  invertedResidual: 1,
  depthwiseSeparable: 1,
} satisfies Record<NodeTypeId, 1>;

function typed<T extends NodeTypeId>(type: T): NodeTypeDefinition<T> {
  return getNodeType(type) as unknown as NodeTypeDefinition<T>;
}

function params<T extends NodeTypeId>(type: T, overrides: Partial<NodeParamsMap[T]> = {}): NodeParamsMap[T] {
  return resolveParams(typed(type), overrides as never) as unknown as NodeParamsMap[T];
}

function shapeOf<T extends NodeTypeId>(
  type: T,
  overrides: Partial<NodeParamsMap[T]>,
  ...inputs: Shape[]
): Shape {
  return typed(type).inferShape(params(type, overrides), inputs);
}

function shapeErrorOf(run: () => unknown): ShapeError {
  try {
    run();
  } catch (error) {
    if (error instanceof ShapeError) return error;
    throw error;
  }
  throw new Error('expected a ShapeError');
}

describe('node registry', () => {
  it('has exactly one definition for every type id', () => {
    expect(nodeTypes.map((def) => def.type).sort()).toEqual(Object.keys(allTypeIds).sort());
    for (const id of Object.keys(allTypeIds)) expect(isNodeTypeId(id)).toBe(true);
    expect(isNodeTypeId('conv3d')).toBe(false);
    expect(getNodeType('conv3d')).toBeUndefined();
  });

  it('gives every param a default that defaultParams fills in', () => {
    for (const def of nodeTypes) {
      const defaults = defaultParams(def.type);
      expect(Object.keys(defaults).sort()).toEqual(def.params.map((p) => p.name).sort());
    }
    expect(() => defaultParams('nope')).toThrow(/"nope"/);
  });

  it('defaults pool strides to the pool size and keeps given values', () => {
    expect(resolveParams(typed('maxPool2d'), { poolSize: 3 })).toEqual({
      poolSize: 3,
      strides: 3,
      padding: 0,
    });
    expect(resolveParams(typed('avgPool2d'), { poolSize: 3, strides: 1 })).toMatchObject({ strides: 1 });
    expect(resolveParams(typed('activation'), { fn: 'elu' })).toMatchObject({ alpha: 1 });
    expect(resolveParams(typed('activation'), { fn: 'leakyRelu' })).toMatchObject({ alpha: 0.01 });
  });

  it('gives concat and add one multi port needing two edges', () => {
    for (const type of ['concat', 'add']) {
      expect(getNodeType(type)!.inputs).toEqual([{ name: 'in', multiple: true, minConnections: 2 }]);
    }
  });
});

describe('shape rules', () => {
  it('uses PyTorch numeric padding and Keras same/valid', () => {
    expect(shapeOf('conv2d', { filters: 6, kernelSize: 5, padding: 2 }, [28, 28, 1])).toEqual([28, 28, 6]);
    expect(shapeOf('conv2d', { filters: 96, kernelSize: 11, strides: 4, padding: 1 }, [224, 224, 1])).toEqual(
      [54, 54, 96],
    );
    expect(shapeOf('conv2d', { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, [7, 7, 1])).toEqual([
      4, 4, 4,
    ]);
    expect(
      shapeOf('conv2d', { filters: 4, kernelSize: 3, dilation: 2, padding: 'valid' }, [7, 7, 1]),
    ).toEqual([3, 3, 4]);
    expect(shapeOf('maxPool2d', { poolSize: 3, strides: 2, padding: 1 }, [48, 48, 64])).toEqual([24, 24, 64]);
    expect(shapeOf('maxPool2d', { poolSize: 3, strides: 2 }, [54, 54, 96])).toEqual([26, 26, 96]);
  });

  it('counts multiply-adds of convolutions and dense layers', () => {
    const conv = typed('conv2d');
    const convParams = params('conv2d', { filters: 6, kernelSize: 5, padding: 2 });
    expect(conv.macs(convParams, [[28, 28, 1]], [28, 28, 6])).toBe(28 * 28 * 6 * 25);
    expect(typed('dense').macs(params('dense', { units: 120 }), [[400]], [120])).toBe(400 * 120);
    expect(
      typed('vggBlock').macs(params('vggBlock', { numConvs: 1, filters: 2 }), [[4, 4, 1]], [2, 2, 2]),
    ).toBe(4 * 4 * 2 * 9);
  });

  it('summarizes conv params for the node face', () => {
    expect(
      typed('conv2d').summarize(
        params('conv2d', { filters: 6, kernelSize: 5, padding: 2, activation: 'none' }),
      ),
    ).toBe('5×5 · 6 · p2');
    expect(typed('maxPool2d').summarize(params('maxPool2d', { poolSize: 3, strides: 2, padding: 1 }))).toBe(
      '3×3 · s2 · p1',
    );
    const nin = params('ninBlock', { filters: 96, kernelSize: 11, strides: 4, padding: 'same' });
    expect(typed('ninBlock').summarize(nin)).toBe('11×11 · 96 · s4 · same');
  });

  it('tells the person to add a Flatten before Dense on an image', () => {
    const error = shapeErrorOf(() => shapeOf('dense', { units: 10 }, [5, 5, 16]));
    expect(error.code).toBe('needs-flatten');
    expect(error.message).toMatch(/Flatten/);
    expect(error.message).toContain('[5, 5, 16]');
  });

  it('names the sizes when a window does not fit', () => {
    const error = shapeErrorOf(() => shapeOf('conv2d', { kernelSize: 5, padding: 0 }, [3, 3, 1]));
    expect(error.code).toBe('spatial-too-small');
    expect(error.message).toContain('5×5');
    expect(error.message).toContain('3×3');
  });

  it('rejects mismatched merge inputs, quoting both shapes', () => {
    expect(shapeOf('concat', {}, [4, 4, 2], [4, 4, 3])).toEqual([4, 4, 5]);
    expect(shapeErrorOf(() => shapeOf('add', {}, [4, 4, 2], [4, 4, 3])).message).toContain('[4, 4, 3]');
    expect(shapeErrorOf(() => shapeOf('concat', {}, [4, 4, 2], [5, 4, 3])).message).toContain('[5, 4, 3]');
    expect(shapeErrorOf(() => shapeOf('add', {}, [4, 4, 2])).message).toMatch(/at least 2/);
  });

  it('rejects pool padding above half the window (PyTorch rule)', () => {
    expect(shapeErrorOf(() => shapeOf('maxPool2d', { poolSize: 2, padding: 2 }, [8, 8, 1])).message).toMatch(
      /half/,
    );
  });

  it('names the inner layer when a block does not fit', () => {
    const error = shapeErrorOf(() =>
      shapeOf('residual', { filters: 8, use1x1: false, strides: 2 }, [8, 8, 8]),
    );
    expect(error.message).toMatch(/Residual, inner layer "add"/);
    expect(error.message).toMatch(/1×1 shortcut/);
  });
});

describe('book blocks', () => {
  it('reproduces GoogLeNet stage shapes and ResNet/DenseNet channel counts', () => {
    const inc1 = shapeOf('inception', { c1: 64, c2: [96, 128], c3: [16, 32], c4: 32 }, [12, 12, 192]);
    expect(inc1).toEqual([12, 12, 256]);
    expect(shapeOf('residual', { filters: 128, use1x1: true, strides: 2 }, [24, 24, 64])).toEqual([
      12, 12, 128,
    ]);
    expect(shapeOf('denseBlock', { numConvs: 4, growthRate: 32 }, [24, 24, 64])).toEqual([24, 24, 192]);
    expect(shapeOf('transition', { filters: 96 }, [24, 24, 192])).toEqual([12, 12, 96]);
    expect(shapeOf('vggBlock', { numConvs: 2, filters: 8 }, [224, 224, 1])).toEqual([112, 112, 8]);
    expect(
      shapeOf('ninBlock', { filters: 96, kernelSize: 11, strides: 4, padding: 0 }, [224, 224, 1]),
    ).toEqual([54, 54, 96]);
  });

  it('counts block parameters as the sum of the book layers', () => {
    // Inception(64,(96,128),(16,32),32) on 192 channels: the book's GoogLeNet b3 first block.
    const expected =
      192 * 64 +
      64 +
      (192 * 96 + 96) +
      (9 * 96 * 128 + 128) +
      (192 * 16 + 16) +
      (25 * 16 * 32 + 32) +
      (192 * 32 + 32);
    const inceptionParams = params('inception', { c1: 64, c2: [96, 128], c3: [16, 32], c4: 32 });
    expect(typed('inception').paramCount(inceptionParams, [[12, 12, 192]])).toEqual({
      trainable: expected,
      nonTrainable: 0,
    });
    // Residual(64) on 64 channels: two 3×3 convs with bias, two BNs.
    const residualParams = params('residual', { filters: 64 });
    expect(typed('residual').paramCount(residualParams, [[24, 24, 64]])).toEqual({
      trainable: 2 * (9 * 64 * 64 + 64) + 2 * 128,
      nonTrainable: 2 * 128,
    });
  });

  it('lists edges into concat in the book order: input first, new channels last', () => {
    const sub = typed('denseBlock').expand!(params('denseBlock', { numConvs: 2, growthRate: 4 }));
    expect(sub.edges.filter((e) => e.target === 'concat2').map((e) => e.source)).toEqual([
      'concat1',
      'conv2',
    ]);
  });
});
