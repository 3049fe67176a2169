import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ADDN_INPUTS, squaredGlobalNorm, sumTensors } from './gradients';
import type { Tf } from './tf-types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** tfjs with `addN` wrapped to record how many inputs each call got. */
function countingAddN(): { tf: Tf; calls: number[] } {
  const calls: number[] = [];
  const counting = {
    ...tf,
    addN: (tensors: tf.Tensor[]) => {
      calls.push(tensors.length);
      return tf.addN(tensors);
    },
  } as unknown as Tf;
  return { tf: counting, calls };
}

describe('sumTensors', () => {
  it('adds 18 tensors (BN-LeNet has 18 gradients) in addN groups WebGPU can bind', () => {
    const { tf: counting, calls } = countingAddN();
    const tensors = Array.from({ length: 18 }, (_, i) => tf.tensor1d([i, 2 * i]));
    const sum = tf.tidy(() => sumTensors(counting, tensors));
    expect(Array.from(sum.dataSync())).toEqual([153, 306]);
    expect(calls.length).toBeGreaterThan(1);
    expect(Math.max(...calls)).toBeLessThanOrEqual(MAX_ADDN_INPUTS);
    tf.dispose([sum, ...tensors]);
  });

  it('takes one tensor as it is and refuses none', () => {
    const one = tf.scalar(4);
    expect(sumTensors(tf, [one])).toBe(one);
    expect(() => sumTensors(tf, [])).toThrow(/at least one/);
    one.dispose();
  });

  it('sums 50 tensors exactly as one addN would', () => {
    const { tf: counting, calls } = countingAddN();
    const tensors = Array.from({ length: 50 }, (_, i) => tf.scalar(i + 1));
    const sum = tf.tidy(() => sumTensors(counting, tensors));
    expect(sum.dataSync()[0]).toBe(1275);
    expect(Math.max(...calls)).toBeLessThanOrEqual(MAX_ADDN_INPUTS);
    tf.dispose([sum, ...tensors]);
  });
});

describe('squaredGlobalNorm', () => {
  it('is the sum of every element squared over all tensors, 0 for none', () => {
    const tensors = Array.from({ length: 9 }, () =>
      tf.tensor2d([
        [1, 2],
        [2, 0],
      ]),
    );
    const norm = tf.tidy(() => squaredGlobalNorm(tf, tensors));
    expect(norm.dataSync()[0]).toBe(81);
    const none = squaredGlobalNorm(tf, []);
    expect(none.dataSync()[0]).toBe(0);
    tf.dispose([norm, none, ...tensors]);
  });
});
