import * as tf from '@tensorflow/tfjs';
import * as w from '@tensorflow/tfjs-backend-wasm';
w.setWasmPaths(process.cwd() + '/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
await tf.setBackend('wasm');
function time(label, f, reps = 5) {
  const r = f();
  tf.dispose(r);
  const t = performance.now();
  for (let i = 0; i < reps; i++) {
    const o = f();
    (Array.isArray(o) ? o[0] : o).dataSync();
    tf.dispose(o);
  }
  console.log(label.padEnd(50), ((performance.now() - t) / reps).toFixed(2), 'ms');
}
const a = tf.randomNormal([256, 400]),
  b = tf.randomNormal([256, 120]),
  W = tf.randomNormal([400, 120]);
time('matmul A^T B (transposeA)', () => tf.matMul(a, b, true, false));
time('transpose A then matmul', () => tf.tidy(() => tf.matMul(tf.transpose(a), b)));
time('matmul dy W^T (transposeB)', () => tf.matMul(b, W, false, true));
time('matmul x W (forward)', () => tf.matMul(a, W));
const x = tf.randomNormal([256, 28, 28, 32]);
time('sum [0,1,2] of 256x28x28x32', () => tf.sum(x, [0, 1, 2]));
time('mean [0,1,2]', () => tf.mean(x, [0, 1, 2]));
time('mul broadcast C', () => tf.mul(x, tf.ones([32])));
time('mul same shape', () => tf.mul(x, x));
time('add same shape', () => tf.add(x, x));
const y = tf.maxPool(x, 2, 2, 'valid');
time('maxPoolGrad', () =>
  tf
    .engine()
    .runKernel('MaxPoolGrad', { dy: y, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }),
);
const ya = tf.avgPool(x, 2, 2, 'valid');
time('avgPoolGrad', () =>
  tf.engine().runKernel('AvgPoolGrad', { dy: ya, input: x }, { filterSize: 2, strides: 2, pad: 'valid' }),
);
time('identity (clone)', () => tf.clone(x));
const f = tf.randomNormal([3, 3, 32, 32]);
time('conv fwd 256x28x28x32 3x3x32', () => tf.conv2d(x, f, 1, 'same'));
time('conv fwd 256x28x28x32 3x3x32', () => tf.conv2d(x, f, 1, 'same'));
