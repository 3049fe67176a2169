import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from './kernels/kernel-runner';
import {
  convGeometry,
  randomArray,
  referenceFilterGrad,
  referenceInputGrad,
  relativeError,
  type ConvCase,
} from './kernels/reference-conv';

/**
 * Loose on purpose: a GPU may compute in TF32 (~1e-3 relative); a broken kernel is off by O(1).
 */
const smokeTolerance = 1e-2;

/**
 * Proves the active backend can train: (1) a strided, padded conv's input and filter gradients
 * match the naive reference; (2) one SGD step of a tiny conv-BN-relu-pool-dense net gives a
 * finite loss and moves the weights. Throws an Error saying which check failed.
 */
export async function smokeTest(tf: Tf): Promise<void> {
  checkConvGradients(tf);
  await checkTrainingStep(tf);
}

function checkConvGradients(tf: Tf): void {
  const c: ConvCase = {
    batch: 2,
    height: 7,
    width: 6,
    inChannels: 3,
    outChannels: 4,
    kernel: 3,
    stride: 2,
    dilation: 1,
    pad: 'same',
  };
  const g = convGeometry(tf, c);
  const xData = randomArray(c.batch * c.height * c.width * c.inChannels, 3);
  const fData = randomArray(c.kernel * c.kernel * c.inChannels * c.outChannels, 5);
  const dyData = randomArray(c.batch * g.outHeight * g.outWidth * c.outChannels, 7);
  const [dx, dw] = tf.tidy(() => {
    const x = tf.tensor4d(xData, [c.batch, c.height, c.width, c.inChannels]);
    const f = tf.tensor4d(fData, [c.kernel, c.kernel, c.inChannels, c.outChannels]);
    const dy = tf.tensor4d(dyData, [c.batch, g.outHeight, g.outWidth, c.outChannels]);
    // Σ conv(x, f)·dy has gradients exactly dx = BackpropInput(dy, f), dw = BackpropFilter(x, dy).
    const grads = tf.grads((a: Tensor, b: Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as Tensor4D, b as Tensor4D, c.stride, 'same'), dy)),
    )([x, f]);
    return [grads[0].dataSync(), grads[1].dataSync()] as [Float32Array, Float32Array];
  });
  const inputError = relativeError(dx, referenceInputGrad(tf, c, dyData, fData));
  if (!(inputError < smokeTolerance))
    throw new Error(`conv input gradient is wrong (relative error ${inputError.toPrecision(3)})`);
  const filterError = relativeError(dw, referenceFilterGrad(tf, c, xData, dyData));
  if (!(filterError < smokeTolerance))
    throw new Error(`conv filter gradient is wrong (relative error ${filterError.toPrecision(3)})`);
}

async function checkTrainingStep(tf: Tf): Promise<void> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  try {
    const optimizer = tf.train.sgd(0.1);
    const before = tf.tidy(() => model.getWeights()[0].dataSync().slice());
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(randomArray(4 * 8 * 8, 9), [4, 8, 8, 1]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
      const cost = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as never),
        true,
      );
      return cost!.dataSync()[0];
    });
    optimizer.dispose();
    if (!Number.isFinite(loss)) throw new Error(`a training step gave a non-finite loss (${loss})`);
    const after = tf.tidy(() => model.getWeights()[0].dataSync());
    if (relativeError(after, before) === 0) throw new Error('a training step did not change the weights');
  } finally {
    model.dispose();
  }
}
