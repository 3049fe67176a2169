/**
 * Numeric (PyTorch) padding must be exact: compiled layers are checked against plain JS
 * loops that compute what PyTorch computes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Params, Shape } from '../graph/document';
import { resolveParams } from './params';
import { getNodeType } from './registry';
import type { NodeParamsMap, NodeTypeId } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A model holding just the compiled node, for one input shape. */
function compileNode(type: NodeTypeId, params: Params, input: Shape): tf.LayersModel {
  const def = getNodeType(type)!;
  const resolved = resolveParams(def, params) as unknown as NodeParamsMap[NodeTypeId];
  const x = tf.input({ shape: [...input] });
  const output = def.compile({ tf, layerName: (suffix) => `${type}_${suffix}` }, resolved, [x]);
  return tf.model({ inputs: x, outputs: output });
}

function run(model: tf.LayersModel, image: number[][]): number[][] {
  const [h, w] = [image.length, image[0].length];
  return tf.tidy(() => {
    const y = model.predict(tf.tensor4d(image.flat(), [1, h, w, 1])) as tf.Tensor;
    return (y.squeeze([0, 3]) as tf.Tensor2D).arraySync();
  });
}

function setConvKernel(model: tf.LayersModel, kernel: number[][]): void {
  const conv = model.layers.find((layer) => layer.getClassName() === 'Conv2D')!;
  const k = kernel.length;
  conv.setWeights([tf.tensor4d(kernel.flat(), [k, k, 1, 1])]);
}

/**
 * A k×k window op with stride s and p pixels of padding per side, as PyTorch computes it:
 * `reduce` gets the in-image values of each window and how many padded cells it covered.
 */
function referenceWindow(
  image: number[][],
  k: number,
  s: number,
  p: number,
  reduce: (values: number[], paddedCells: number, offsets: Array<[number, number]>) => number,
): number[][] {
  const [h, w] = [image.length, image[0].length];
  const [oh, ow] = [Math.floor((h + 2 * p - k) / s) + 1, Math.floor((w + 2 * p - k) / s) + 1];
  return Array.from({ length: oh }, (_, i) =>
    Array.from({ length: ow }, (_, j) => {
      const values: number[] = [];
      const offsets: Array<[number, number]> = [];
      let padded = 0;
      for (let di = 0; di < k; di++) {
        for (let dj = 0; dj < k; dj++) {
          const [y, x] = [i * s + di - p, j * s + dj - p];
          if (y < 0 || x < 0 || y >= h || x >= w) padded++;
          else {
            values.push(image[y][x]);
            offsets.push([di, dj]);
          }
        }
      }
      return reduce(values, padded, offsets);
    }),
  );
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 4)));
}

/** 5×5, every value negative and distinct, so zero padding would win every border max. */
const negativeImage = Array.from({ length: 5 }, (_, i) =>
  Array.from({ length: 5 }, (_, j) => -1 - i * 5 - j),
);
/** 6×6: even size, where tfjs 'same' with stride 2 would pad only the bottom/right. */
const evenImage = Array.from({ length: 6 }, (_, i) =>
  Array.from({ length: 6 }, (_, j) => ((i * 7 + j * 3) % 11) - 5),
);

describe('numeric padding', () => {
  it('max pool pads with −∞: padding never wins the max', () => {
    const model = compileNode('maxPool2d', { poolSize: 3, strides: 2, padding: 1 }, [5, 5, 1]);
    const expected = referenceWindow(negativeImage, 3, 2, 1, (values) => Math.max(...values));
    const actual = run(model, negativeImage);
    expect(actual[0][0]).toBe(-1);
    expectClose(actual, expected);
    model.dispose();
  });

  it('avg pool counts the padded zeros in the average (count_include_pad)', () => {
    const model = compileNode('avgPool2d', { poolSize: 3, strides: 2, padding: 1 }, [6, 6, 1]);
    const expected = referenceWindow(evenImage, 3, 2, 1, (values) => values.reduce((a, b) => a + b, 0) / 9);
    expectClose(run(model, evenImage), expected);
    model.dispose();
  });

  it('conv pads symmetrically with zeros for stride 2 (not tfjs "same")', () => {
    const kernel = [
      [1, -2, 3],
      [0.5, 1, -1],
      [2, 0, 1],
    ];
    const model = compileNode(
      'conv2d',
      { filters: 1, kernelSize: 3, strides: 2, padding: 1, useBias: false, activation: 'none' },
      [6, 6, 1],
    );
    setConvKernel(model, kernel);
    const expected = referenceWindow(evenImage, 3, 2, 1, (values, _padded, offsets) =>
      values.reduce((sum, v, n) => sum + v * kernel[offsets[n][0]][offsets[n][1]], 0),
    );
    expect(expected.length).toBe(3);
    expectClose(run(model, evenImage), expected);
    model.dispose();
  });

  it('conv uses the same-size shortcut only where it is identical (stride 1, p = (k−1)/2)', () => {
    const kernel = [
      [1, 2, 0],
      [-1, 1, 3],
      [0, 2, -2],
    ];
    const model = compileNode(
      'conv2d',
      { filters: 1, kernelSize: 3, strides: 1, padding: 1, useBias: false, activation: 'none' },
      [6, 6, 1],
    );
    setConvKernel(model, kernel);
    const expected = referenceWindow(evenImage, 3, 1, 1, (values, _padded, offsets) =>
      values.reduce((sum, v, n) => sum + v * kernel[offsets[n][0]][offsets[n][1]], 0),
    );
    expectClose(run(model, evenImage), expected);
    model.dispose();
  });
});

describe('the seed example', () => {
  it('3×3 input through a compiled 2×2 conv gives [[19, 25], [37, 43]]', () => {
    const model = compileNode(
      'conv2d',
      { filters: 1, kernelSize: 2, padding: 0, useBias: false, activation: 'none' },
      [3, 3, 1],
    );
    setConvKernel(model, [
      [0, 1],
      [2, 3],
    ]);
    const image = [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ];
    expect(run(model, image)).toEqual([
      [19, 25],
      [37, 43],
    ]);
    model.dispose();
  });
});
