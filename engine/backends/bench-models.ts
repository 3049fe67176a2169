/**
 * The nets the kernel benchmark trains, built directly with tf.layers (the book's LeNet and
 * BN-LeNet on 28×28×1, and a ResNet-style block), so the benchmark needs no graph compiler.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from './kernels/kernel-runner';

export interface BenchModel {
  id: string;
  inputShape: [number, number, number];
  classes: number;
  build(tf: Tf): LayersModel;
}

const lenet: BenchModel = {
  id: 'lenet',
  inputShape: [28, 28, 1],
  classes: 10,
  build: (tf) =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: 6,
          kernelSize: 5,
          padding: 'same',
          activation: 'sigmoid',
        }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'sigmoid' }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 120, activation: 'sigmoid' }),
        tf.layers.dense({ units: 84, activation: 'sigmoid' }),
        tf.layers.dense({ units: 10 }),
      ],
    }),
};

const bnLenet: BenchModel = {
  id: 'bn-lenet',
  inputShape: [28, 28, 1],
  classes: 10,
  build: (tf) =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'sigmoid' }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 5 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'sigmoid' }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 120 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'sigmoid' }),
        tf.layers.dense({ units: 84 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'sigmoid' }),
        tf.layers.dense({ units: 10 }),
      ],
    }),
};

/** Stem conv + one residual block (conv-BN-relu-conv-BN + identity, relu) + pool + dense. */
function resnetBlock(size: number): BenchModel {
  return {
    id: `resblock-${size}`,
    inputShape: [size, size, 3],
    classes: 10,
    build: (tf) => {
      const input = tf.input({ shape: [size, size, 3] });
      const stem = tf.layers
        .conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' })
        .apply(input);
      let y = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false }).apply(stem);
      y = tf.layers.batchNormalization().apply(y);
      y = tf.layers.activation({ activation: 'relu' }).apply(y);
      y = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false }).apply(y);
      y = tf.layers.batchNormalization().apply(y);
      y = tf.layers.add().apply([y, stem] as never);
      y = tf.layers.activation({ activation: 'relu' }).apply(y);
      y = tf.layers.maxPooling2d({ poolSize: 2 }).apply(y);
      y = tf.layers.globalAveragePooling2d({}).apply(y);
      const out = tf.layers.dense({ units: 10 }).apply(y);
      return tf.model({ inputs: input, outputs: out as never });
    },
  };
}

export const benchModels: readonly BenchModel[] = [lenet, bnLenet, resnetBlock(28), resnetBlock(96)];
