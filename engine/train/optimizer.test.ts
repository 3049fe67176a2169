import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer } from './optimizer';
import { clipByGlobalNorm } from './gradients';
import { DEFAULT_TRAINING } from '../graph/document';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const settings = { ...DEFAULT_TRAINING, learningRate: 0.1 };

function oneStep(
  name: 'sgd' | 'adam' | 'adamw' | 'rmsprop',
  weightDecay: number,
  w0 = 2,
  g = 0.5,
  lr = 0.1,
  extra = {},
) {
  const variable = tf.variable(tf.tensor1d([w0]));
  const opt = createOptimizer(tf, { ...settings, ...extra, optimizer: name, weightDecay });
  const grad = tf.tensor1d([g]);
  opt.apply([variable], [grad], lr);
  const value = variable.dataSync()[0];
  tf.dispose([variable, grad]);
  opt.dispose();
  return value;
}

describe('createOptimizer', () => {
  it('plain SGD steps against the gradient at the given rate', () => {
    expect(oneStep('sgd', 0)).toBeCloseTo(2 - 0.1 * 0.5, 6);
  });

  it('SGD weight decay is L2 added to the gradient (PyTorch weight_decay)', () => {
    expect(oneStep('sgd', 0.1)).toBeCloseTo(2 - 0.1 * (0.5 + 0.1 * 2), 6);
  });

  it('Nesterov momentum differs from classic momentum from the first step', () => {
    const classic = oneStep('sgd', 0, 2, 0.5, 0.1, { momentum: 0.9, nesterov: false });
    const nesterov = oneStep('sgd', 0, 2, 0.5, 0.1, { momentum: 0.9, nesterov: true });
    expect(classic).toBeCloseTo(2 - 0.05, 6);
    expect(nesterov).toBeCloseTo(2 - 0.1 * (0.5 + 0.9 * 0.5), 6);
  });

  it('AdamW decays the weight decoupled from the gradient, Adam folds decay into the gradient', () => {
    // Adam's first step moves by lr·sign(g) whatever the gradient's size.
    const adam = oneStep('adam', 0, 2, 0.5, 0.1);
    expect(adam).toBeCloseTo(1.9, 5);
    const adamw = oneStep('adamw', 0.5, 2, 0.5, 0.1);
    expect(adamw).toBeCloseTo(2 * (1 - 0.1 * 0.5) - 0.1, 5);
    // L2 in Adam: the decay only changes the gradient, and the first step is still lr·sign.
    expect(oneStep('adam', 0.5, 2, 0.5, 0.1)).toBeCloseTo(1.9, 5);
  });

  it('uses the learning rate given at each step', () => {
    const variable = tf.variable(tf.tensor1d([0]));
    const opt = createOptimizer(tf, { ...settings, optimizer: 'rmsprop' });
    const grad = tf.tensor1d([1]);
    opt.apply([variable], [grad], 0);
    expect(variable.dataSync()[0]).toBe(0);
    opt.apply([variable], [grad], 0.01);
    expect(variable.dataSync()[0]).toBeLessThan(0);
    tf.dispose([variable, grad]);
    opt.dispose();
  });

  it('saves and restores its state so a restored optimizer continues identically', async () => {
    const run = async (restore: boolean) => {
      const variable = tf.variable(tf.tensor1d([1, -1]));
      let opt = createOptimizer(tf, { ...settings, optimizer: 'adam' });
      const grad = tf.tensor1d([0.3, -0.2]);
      opt.apply([variable], [grad], 0.1);
      if (restore) {
        const state = await opt.getState();
        opt.dispose();
        opt = createOptimizer(tf, { ...settings, optimizer: 'adam' });
        await opt.setState(state);
      }
      opt.apply([variable], [tf.tensor1d([0.1, 0.4])], 0.1);
      const values = Array.from(variable.dataSync());
      tf.dispose([variable, grad]);
      opt.dispose();
      return values;
    };
    const straight = await run(false);
    const restored = await run(true);
    expect(restored[0]).toBeCloseTo(straight[0], 6);
    expect(restored[1]).toBeCloseTo(straight[1], 6);
  });

  it('rejects unknown optimizers by name', () => {
    expect(() => createOptimizer(tf, { ...settings, optimizer: 'lion' as never })).toThrow(
      /unknown optimizer 'lion'/,
    );
  });
});

describe('clipByGlobalNorm', () => {
  it('scales all gradients together down to the max norm', () => {
    const [a, b] = [tf.tensor1d([3]), tf.tensor1d([4])];
    const { gradients, norm } = clipByGlobalNorm(tf, [a, b], 1);
    expect(norm.dataSync()[0]).toBeCloseTo(5);
    expect(gradients[0].dataSync()[0]).toBeCloseTo(0.6, 4);
    expect(gradients[1].dataSync()[0]).toBeCloseTo(0.8, 4);
    tf.dispose([a, b, norm, ...gradients]);
  });

  it('leaves gradients under the norm, and all of them when clipping is off', () => {
    const a = tf.tensor1d([0.3, 0.4]);
    const under = clipByGlobalNorm(tf, [a], 1);
    expect(Array.from(under.gradients[0].dataSync())).toEqual([
      expect.closeTo(0.3, 5),
      expect.closeTo(0.4, 5),
    ]);
    const off = clipByGlobalNorm(tf, [a], 0);
    expect(off.gradients[0]).toBe(a);
    tf.dispose([a, under.norm, off.norm, ...under.gradients]);
  });
});
