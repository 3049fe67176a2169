/**
 * The activation table means what PyTorch means: every function, as our compiled tfjs layer
 * (alone and fused into a dense layer), gives the values of its exported PyTorch module, run
 * in Debian's torch; gradients stay finite where a naive formula overflows; and Keras
 * identifiers and layers import as the right function and alpha.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runPythonJson } from '../export/test-support/python';
import {
  ACTIVATION_NAMES,
  activation,
  activationFromKeras,
  fusedActivationFromKeras,
  torchActivation,
  torchFusedActivation,
  type ActivationName,
} from './activation';
import { dense } from './dense';
import { UnmappableLayerError } from './interchange';
import { resolveParams } from './params';
import type { CompileContext, NodeParamsMap } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** −6 … 6 in steps of 0.5: both sides of every kink (0, ±3 of the hard functions). */
const XS = Array.from({ length: 25 }, (_, i) => -6 + i * 0.5);

const ctx = (prefix: string): CompileContext => ({ tf, layerName: (suffix) => `${prefix}_${suffix}` });

/** Our activation node, compiled alone, applied to a batch of one vector. */
function nodeValues(fn: ActivationName, alpha: number, xs: readonly number[]): number[] {
  const input = tf.input({ shape: [xs.length] });
  const params = resolveParams(activation, { fn, alpha }) as unknown as NodeParamsMap['activation'];
  const model = tf.model({ inputs: input, outputs: activation.compile(ctx(`a_${fn}`), params, [input]) });
  try {
    return tf.tidy(() => Array.from((model.predict(tf.tensor2d([[...xs]])) as tf.Tensor).dataSync()));
  } finally {
    model.dispose();
  }
}

/** A dense layer with identity weights and the activation fused, so its output is f(x). */
function fusedValues(fn: ActivationName, xs: readonly number[]): number[] {
  const input = tf.input({ shape: [xs.length] });
  const params = resolveParams(dense, {
    units: xs.length,
    activation: fn,
    useBias: false,
  }) as unknown as NodeParamsMap['dense'];
  const model = tf.model({ inputs: input, outputs: dense.compile(ctx(`f_${fn}`), params, [input]) });
  try {
    model.layers[1].setWeights([tf.eye(xs.length)]);
    return tf.tidy(() => Array.from((model.predict(tf.tensor2d([[...xs]])) as tf.Tensor).dataSync()));
  } finally {
    model.dispose();
  }
}

const CASES: Array<{ fn: ActivationName; alpha: number }> = [
  ...ACTIVATION_NAMES.map((fn) => ({ fn, alpha: fn === 'elu' ? 1 : 0.01 })),
  { fn: 'leakyRelu', alpha: 0.2 },
  { fn: 'elu', alpha: 0.5 },
  { fn: 'elu', alpha: 2 },
];

describe('activations in PyTorch (Debian python3-torch)', () => {
  beforeAll(requireTorch);

  it('every function and alpha, alone and fused, gives the exported PyTorch module’s values', () => {
    const modules = [
      ...CASES.map(({ fn, alpha }) => torchActivation(fn, alpha)),
      ...ACTIVATION_NAMES.map((fn) => {
        const [module] = torchFusedActivation(fn);
        return module;
      }),
    ];
    const torchValues = runPythonJson<number[][]>(
      `
import json, sys, torch
from torch import nn
request = json.load(sys.stdin)
x = torch.tensor([request['xs']], dtype=torch.float64)
print(json.dumps([eval(code)(x)[0].tolist() for code in request['modules']]))`,
      { xs: XS, modules },
    );
    const ours = [
      ...CASES.map(({ fn, alpha }) => nodeValues(fn, alpha, XS)),
      ...ACTIVATION_NAMES.map((fn) => fusedValues(fn, XS)),
    ];
    ours.forEach((values, i) => {
      values.forEach((value, j) => {
        expect(Math.abs(value - torchValues[i][j]), `${modules[i]} at x = ${XS[j]}`).toBeLessThan(1e-5);
      });
    });
  }, 60_000);
});

describe('activation layers', () => {
  it('keep gradients finite far out on both sides', () => {
    for (const { fn, alpha } of CASES) {
      const input = tf.input({ shape: [4] });
      const params = resolveParams(activation, { fn, alpha }) as unknown as NodeParamsMap['activation'];
      const model = tf.model({ inputs: input, outputs: activation.compile(ctx(`g_${fn}`), params, [input]) });
      const grad = tf.tidy(() =>
        Array.from(
          tf
            .grad((x: tf.Tensor) => (model.apply(x) as tf.Tensor).sum())(
              tf.tensor2d([[-100, -1e-3, 1e-3, 100]]),
            )
            .dataSync(),
        ),
      );
      expect(grad.every(Number.isFinite), `${fn} α${alpha}: ${grad.join(', ')}`).toBe(true);
      model.dispose();
    }
  });
});

describe('Keras activation import', () => {
  it('reads Keras and tfjs identifiers as our functions', () => {
    expect(activationFromKeras('linear')).toBeNull();
    expect(activationFromKeras(undefined)).toBeNull();
    expect(activationFromKeras('silu')).toEqual({ fn: 'swish', alpha: 0 });
    expect(activationFromKeras('swish')).toEqual({ fn: 'swish', alpha: 0 });
    expect(activationFromKeras('hard_silu')).toEqual({ fn: 'hardSwish', alpha: 0 });
    expect(activationFromKeras('relu6')).toEqual({ fn: 'relu6', alpha: 0 });
    expect(activationFromKeras('elu')).toEqual({ fn: 'elu', alpha: 1 });
    expect(activationFromKeras('leaky_relu')).toEqual({ fn: 'leakyRelu', alpha: 0.2 });
    for (const fn of ['selu', 'gelu', 'sigmoid', 'tanh', 'softplus', 'softmax'])
      expect(activationFromKeras(fn)).toEqual({ fn, alpha: 0 });
  });

  it('refuses what it cannot express, hard_sigmoid saying why', () => {
    expect(() => activationFromKeras('mish')).toThrow(UnmappableLayerError);
    expect(() => activationFromKeras('gelu_new')).toThrow(/gelu_new/);
    expect(() => activationFromKeras('hard_sigmoid')).toThrow(/0\.2x \+ 0\.5/);
    expect(() => activationFromKeras('hardSigmoid')).toThrow(UnmappableLayerError);
  });

  it('puts an activation node after a conv / dense whose fused form cannot carry the alpha', () => {
    expect(fusedActivationFromKeras('relu')).toEqual({ activation: 'relu', then: [] });
    expect(fusedActivationFromKeras('linear')).toEqual({ activation: 'none', then: [] });
    expect(fusedActivationFromKeras('leaky_relu')).toEqual({
      activation: 'none',
      then: [{ type: 'activation', params: { fn: 'leakyRelu', alpha: 0.2 }, suffix: 'act' }],
    });
  });

  it('reads the Keras activation layers', () => {
    const read = (className: string, config: Record<string, unknown>) =>
      activation.import!.fromKeras({ name: 'a', className, config }, null)?.params;
    expect(read('ReLU', {})).toEqual({ fn: 'relu', alpha: 0 });
    expect(read('ReLU', { max_value: 6 })).toEqual({ fn: 'relu6', alpha: 0 });
    expect(read('ReLU', { negative_slope: 0.1 })).toEqual({ fn: 'leakyRelu', alpha: 0.1 });
    expect(() => read('ReLU', { max_value: 4 })).toThrow(UnmappableLayerError);
    expect(read('ELU', { alpha: 0.7 })).toEqual({ fn: 'elu', alpha: 0.7 });
    expect(read('LeakyReLU', { negative_slope: 0.05 })).toEqual({ fn: 'leakyRelu', alpha: 0.05 });
    expect(read('Activation', { activation: 'hard_swish' })).toEqual({ fn: 'hardSwish', alpha: 0 });
    expect(read('Activation', { activation: 'linear' })).toBeUndefined();
    expect(() => read('Softmax', { axis: 1 })).toThrow(/axis/);
  });
});
