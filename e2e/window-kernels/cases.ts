/**
 * The training kernels LeNet and BN-LeNet use, each as a small deterministic computation
 * (forward value and, through tf.grads, the gradient kernels), run on one backend so the
 * page can compare webgl/webgpu with cpu. Runs in the browser; gets `tf` passed in.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { crossEntropy } from '../../engine/train/step';

type Tf = typeof tfjs;

/** One kernel under test: returns named outputs (the forward result and its gradients). */
export interface KernelCase {
  name: string;
  /** The tfjs kernels this case exercises (for the report). */
  kernels: readonly string[];
  run(tf: Tf, input: InputMaker): Record<string, tfjs.Tensor>;
}

/** Makes the same pseudo-random inputs on every backend (values in [-1, 1), seeded by name). */
export type InputMaker = (name: string, shape: number[]) => tfjs.Tensor;

/** Deterministic values from a string seed (mulberry32), so cpu and gpu see equal inputs. */
export function seededValues(seed: string, size: number): Float32Array {
  let state = 0;
  for (const char of seed) state = (Math.imul(state, 31) + char.charCodeAt(0)) | 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}

function gradients(
  tf: Tf,
  f: (...xs: tfjs.Tensor[]) => tfjs.Tensor,
  inputs: tfjs.Tensor[],
  upstream: tfjs.Tensor,
): tfjs.Tensor[] {
  // Weighting the output by a random upstream gradient checks every element of the backward pass.
  return tf.grads((...xs: tfjs.Tensor[]) => tf.sum(tf.mul(f(...xs), upstream)))(inputs);
}

export const kernelCases: readonly KernelCase[] = [
  ...(
    [
      { pad: 'same', stride: 1 },
      { pad: 'valid', stride: 1 },
      { pad: 'valid', stride: 2 },
    ] as const
  ).map(({ pad, stride }): KernelCase => ({
    name: `conv2d 5×5 ${pad} stride ${stride}`,
    kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
    run(tf, input) {
      const x = input('x', [4, 14, 14, 3]);
      const w = input('w', [5, 5, 3, 6]);
      const conv = (a: tfjs.Tensor, b: tfjs.Tensor) =>
        tf.conv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, stride, pad);
      const y = conv(x, w);
      const [dx, dw] = gradients(tf, conv, [x, w], input('dy', y.shape));
      return { y, dx, dw };
    },
  })),
  ...(['max', 'avg'] as const).map((kind): KernelCase => ({
    name: `${kind} pool 2×2 stride 2`,
    kernels: kind === 'max' ? ['MaxPool', 'MaxPoolGrad'] : ['AvgPool', 'AvgPoolGrad'],
    run(tf, input) {
      const x = input('x', [4, 10, 10, 6]);
      const pool = (a: tfjs.Tensor) =>
        (kind === 'max' ? tf.maxPool : tf.avgPool)(a as tfjs.Tensor4D, 2, 2, 'valid');
      const y = pool(x);
      const [dx] = gradients(tf, pool, [x], input('dy', y.shape));
      return { y, dx };
    },
  })),
  // LeNet's own shapes (batch 8): the first convolution has one input channel.
  ...(
    [
      { x: [8, 28, 28, 1], w: [5, 5, 1, 6], pad: 'same' },
      { x: [8, 14, 14, 6], w: [5, 5, 6, 16], pad: 'valid' },
    ] as const
  ).map(({ x: xShape, w: wShape, pad }): KernelCase => ({
    name: `conv2d as in LeNet, ${xShape.join('×')} * ${wShape.join('×')} ${pad}`,
    kernels: ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
    run(tf, input) {
      const x = input('x', [...xShape]);
      const w = input('w', [...wShape]);
      const b = input('b', [wShape[3]]);
      const conv = (a: tfjs.Tensor, f: tfjs.Tensor, bias: tfjs.Tensor) =>
        tf.fused.conv2d({
          x: a as tfjs.Tensor4D,
          filter: f as tfjs.Tensor4D,
          strides: 1,
          pad,
          bias,
          activation: 'sigmoid',
        });
      const y = conv(x, w, b);
      const [dx, dw, db] = gradients(tf, conv, [x, w, b], input('dy', y.shape));
      return { y, dx, dw, db };
    },
  })),
  ...(['sigmoid', 'relu'] as const).map((activation): KernelCase => ({
    name: `fused conv2d + bias + ${activation} (how tfjs layers run Conv2D)`,
    kernels: ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
    run(tf, input) {
      const x = input('x', [4, 14, 14, 3]);
      const w = input('w', [5, 5, 3, 6]);
      const b = input('b', [6]);
      const conv = (a: tfjs.Tensor, f: tfjs.Tensor, bias: tfjs.Tensor) =>
        tf.fused.conv2d({
          x: a as tfjs.Tensor4D,
          filter: f as tfjs.Tensor4D,
          strides: 1,
          pad: 'same',
          bias,
          activation,
        });
      const y = conv(x, w, b);
      const [dx, dw, db] = gradients(tf, conv, [x, w, b], input('dy', y.shape));
      return { y, dx, dw, db };
    },
  })),
  ...(['sigmoid', 'relu', 'linear'] as const).map((activation): KernelCase => ({
    name: `fused matmul + bias + ${activation} (how tfjs layers run Dense)`,
    kernels: ['_FusedMatMul', 'BatchMatMul'],
    run(tf, input) {
      const a = input('a', [32, 400]);
      const b = input('b', [400, 120]);
      const bias = input('bias', [120]);
      const dense = (p: tfjs.Tensor, q: tfjs.Tensor, c: tfjs.Tensor) =>
        tf.fused.matMul({ a: p as tfjs.Tensor2D, b: q as tfjs.Tensor2D, bias: c, activation });
      const y = dense(a, b, bias);
      const [da, db, dbias] = gradients(tf, dense, [a, b, bias], input('dy', y.shape));
      return { y, da, db, dbias };
    },
  })),
  {
    name: 'matmul (dense 400→120)',
    kernels: ['BatchMatMul'],
    run(tf, input) {
      const a = input('a', [32, 400]);
      const b = input('b', [400, 120]);
      const matMul = (p: tfjs.Tensor, q: tfjs.Tensor) => tf.matMul(p as tfjs.Tensor2D, q as tfjs.Tensor2D);
      const y = matMul(a, b);
      const [da, db] = gradients(tf, matMul, [a, b], input('dy', y.shape));
      return { y, da, db };
    },
  },
  {
    name: 'batch norm, training (batch statistics)',
    kernels: ['FusedBatchNorm', 'Mean', 'SquaredDifference', 'Rsqrt', 'Sum', 'Tile'],
    run(tf, input) {
      const x = input('x', [8, 6, 6, 16]);
      const gamma = tf.add(input('gamma', [16]), 1.5);
      const beta = input('beta', [16]);
      const normalize = (a: tfjs.Tensor, g: tfjs.Tensor, b: tfjs.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.batchNorm(a, mean, variance, b, g, 1e-3);
      };
      const y = normalize(x, gamma, beta);
      const [dx, dgamma, dbeta] = gradients(tf, normalize, [x, gamma, beta], input('dy', y.shape));
      return { y, dx, dgamma, dbeta };
    },
  },
  ...(['relu', 'sigmoid', 'softmax'] as const).map((activation): KernelCase => ({
    name: activation,
    kernels: { relu: ['Relu', 'Step'], sigmoid: ['Sigmoid'], softmax: ['Softmax'] }[activation],
    run(tf, input) {
      const x = tf.mul(input('x', [32, 84]), 4);
      const f = (a: tfjs.Tensor) => tf[activation](a);
      const y = f(x);
      const [dx] = gradients(tf, f, [x], input('dy', y.shape));
      return { y, dx };
    },
  })),
  ...([false, true] as const).map((outputIsProbabilities): KernelCase => ({
    name: `cross-entropy loss on ${outputIsProbabilities ? 'probabilities' : 'logits'}`,
    kernels: outputIsProbabilities
      ? ['OneHot', 'ClipByValue', 'Log', 'Mean']
      : ['OneHot', 'Softmax', 'Log', 'Exp', 'Max', 'Sum'],
    run(tf, input) {
      const logits = tf.mul(input('logits', [32, 10]), 3);
      const scores = outputIsProbabilities ? tf.softmax(logits) : logits;
      const labels = tf.tensor1d(
        Array.from({ length: 32 }, (_, i) => (i * 7) % 10),
        'int32',
      );
      const loss = (s: tfjs.Tensor) => crossEntropy(tf, labels, s, 10, outputIsProbabilities);
      const [ds] = tf.grads(loss)([scores]);
      return { loss: loss(scores), ds };
    },
  })),
];

/** One output's values on one backend. */
export interface CaseValues {
  name: string;
  outputs: Record<string, { shape: number[]; values: number[] }>;
}

/** Runs every case on the active backend; tensors are disposed, values read back. */
export async function runCases(tf: Tf): Promise<CaseValues[]> {
  const results: CaseValues[] = [];
  const input: InputMaker = (name, shape) =>
    tf.tensor(
      seededValues(
        name + shape.join('x'),
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );
  for (const kernelCase of kernelCases) {
    const tensors = tf.tidy(() => kernelCase.run(tf, input));
    const outputs: CaseValues['outputs'] = {};
    for (const [key, tensor] of Object.entries(tensors)) {
      outputs[key] = { shape: tensor.shape, values: Array.from(await tensor.data()) };
    }
    tf.dispose(Object.values(tensors));
    results.push({ name: kernelCase.name, outputs });
  }
  return results;
}

/** Largest |a − b| divided by max(1, largest |b|): an error relative to the output's scale. */
export function scaledMaxError(actual: readonly number[], expected: readonly number[]): number {
  let scale = 1;
  for (const value of expected) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error);
  }
  return worst / scale;
}
