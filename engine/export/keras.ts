/**
 * Graph → a Keras (TensorFlow 2) script with the functional API: `build_model()` plus a
 * training entry with the run's settings. Channels-last like CNN Studio, so layer for
 * layer it is the network the app trains (and its weights load by layer name).
 */
import type { Padding, TrainingSettings } from '../graph/document';
import type { ActivationName, FusedActivation, NodeParamsMap } from '../nodes/types';
import { FUSED_LEAKY_RELU_ALPHA } from '../nodes/compile-utils';
import { ExportError, type ExportPlan, type PlannedNode } from './plan';
import { indent, pyComment, pyLiteral } from './python';

const HELPERS = `def pad(x, p, value=0.0):
    """PyTorch-style padding: p pixels on every side (-inf for max pooling, so padding never wins)."""
    if p == 0:
        return x
    if value == 0.0:
        return layers.ZeroPadding2D(p)(x)
    return layers.Lambda(lambda t: tf.pad(t, [[0, 0], [p, p], [p, p], [0, 0]], constant_values=value))(x)


def conv(x, filters, kernel_size, strides=1, padding=0, activation=None, dilation=1, use_bias=True, name=None):
    if isinstance(padding, str):
        return layers.Conv2D(filters, kernel_size, strides, padding, dilation_rate=dilation, activation=activation,
                             use_bias=use_bias, name=name)(x)
    return layers.Conv2D(filters, kernel_size, strides, 'valid', dilation_rate=dilation, activation=activation,
                         use_bias=use_bias, name=name)(pad(x, padding))


def max_pool(x, pool_size, strides, padding=0, name=None):
    if isinstance(padding, str):
        return layers.MaxPool2D(pool_size, strides, padding, name=name)(x)
    return layers.MaxPool2D(pool_size, strides, 'valid', name=name)(pad(x, padding, float('-inf')))


def avg_pool(x, pool_size, strides, padding=0, name=None):
    if isinstance(padding, str):
        return layers.AvgPool2D(pool_size, strides, padding, name=name)(x)
    return layers.AvgPool2D(pool_size, strides, 'valid', name=name)(pad(x, padding))


def batch_norm(x, momentum=0.9, epsilon=1e-5, name=None):
    return layers.BatchNormalization(momentum=momentum, epsilon=epsilon, name=name)(x)`;

const BLOCKS: Record<string, string> = {
  vggBlock: `def vgg_block(x, num_convs, filters):
    for _ in range(num_convs):
        x = conv(x, filters, 3, padding=1, activation='relu')
    return max_pool(x, 2, 2)`,
  ninBlock: `def nin_block(x, filters, kernel_size, strides, padding):
    x = conv(x, filters, kernel_size, strides, padding, activation='relu')
    x = conv(x, filters, 1, activation='relu')
    return conv(x, filters, 1, activation='relu')`,
  inception: `def inception(x, c1, c2, c3, c4):
    b1 = conv(x, c1, 1, activation='relu')
    b2 = conv(conv(x, c2[0], 1, activation='relu'), c2[1], 3, padding=1, activation='relu')
    b3 = conv(conv(x, c3[0], 1, activation='relu'), c3[1], 5, padding=2, activation='relu')
    b4 = conv(max_pool(x, 3, 1, padding=1), c4, 1, activation='relu')
    return layers.Concatenate()([b1, b2, b3, b4])`,
  residual: `def residual(x, filters, use_1x1conv=False, strides=1):
    y = layers.ReLU()(batch_norm(conv(x, filters, 3, strides, padding=1)))
    y = batch_norm(conv(y, filters, 3, padding=1))
    if use_1x1conv:
        x = conv(x, filters, 1, strides)
    return layers.ReLU()(layers.Add()([y, x]))`,
  denseBlock: `def dense_block(x, num_convs, growth_rate):
    for _ in range(num_convs):
        y = conv(layers.ReLU()(batch_norm(x)), growth_rate, 3, padding=1)
        x = layers.Concatenate()([x, y])
    return x`,
  transition: `def transition_block(x, filters):
    x = conv(layers.ReLU()(batch_norm(x)), filters, 1)
    return avg_pool(x, 2, 2)`,
};

function activationLayer(fn: ActivationName, alpha: number): string {
  switch (fn) {
    case 'leakyRelu':
      return `layers.LeakyReLU(${pyLiteral(alpha)})`;
    case 'elu':
      return `layers.ELU(${pyLiteral(alpha)})`;
    case 'softmax':
      return 'layers.Softmax()';
    default:
      return `layers.Activation(${pyLiteral(fn)})`;
  }
}

/** Keras activation argument and, for leaky ReLU, the layer that must follow. */
function fusedArg(activation: FusedActivation): { arg: string; after: string | null } {
  if (activation === 'none') return { arg: 'None', after: null };
  if (activation === 'leakyRelu')
    return { arg: 'None', after: `layers.LeakyReLU(${FUSED_LEAKY_RELU_ALPHA})` };
  return { arg: pyLiteral(activation), after: null };
}

function padArg(padding: Padding): string {
  return typeof padding === 'number' ? String(padding) : pyLiteral(padding);
}

function statement(layer: PlannedNode): string {
  const x = layer.inputs[0];
  const name = pyLiteral(layer.name);
  const out = layer.name;
  switch (layer.type) {
    case 'conv2d': {
      const p = layer.params as NodeParamsMap['conv2d'];
      const act = fusedArg(p.activation);
      const call = `${out} = conv(${x}, ${p.filters}, ${p.kernelSize}, ${p.strides}, ${padArg(p.padding)}, activation=${act.arg}, dilation=${p.dilation}, use_bias=${pyLiteral(p.useBias)}, name=${name})`;
      return act.after ? `${call}\n${out} = ${act.after}(${out})` : call;
    }
    case 'maxPool2d': {
      const p = layer.params as NodeParamsMap['maxPool2d'];
      return `${out} = max_pool(${x}, ${p.poolSize}, ${p.strides}, ${padArg(p.padding)}, name=${name})`;
    }
    case 'avgPool2d': {
      const p = layer.params as NodeParamsMap['avgPool2d'];
      return `${out} = avg_pool(${x}, ${p.poolSize}, ${p.strides}, ${padArg(p.padding)}, name=${name})`;
    }
    case 'globalAvgPool2d':
      return `${out} = layers.GlobalAveragePooling2D(keepdims=True, name=${name})(${x})`;
    case 'batchNorm': {
      const p = layer.params as NodeParamsMap['batchNorm'];
      return `${out} = batch_norm(${x}, ${pyLiteral(p.momentum)}, ${pyLiteral(p.epsilon)}, name=${name})`;
    }
    case 'activation': {
      const p = layer.params as NodeParamsMap['activation'];
      return `${out} = ${activationLayer(p.fn, p.alpha)}(${x})`;
    }
    case 'dense': {
      const p = layer.params as NodeParamsMap['dense'];
      const act = fusedArg(p.activation);
      const call = `${out} = layers.Dense(${p.units}, activation=${act.arg}, use_bias=${pyLiteral(p.useBias)}, name=${name})(${x})`;
      return act.after ? `${call}\n${out} = ${act.after}(${out})` : call;
    }
    case 'dropout':
      return `${out} = layers.Dropout(${pyLiteral((layer.params as NodeParamsMap['dropout']).rate)}, name=${name})(${x})`;
    case 'flatten':
      return `${out} = layers.Flatten(name=${name})(${x})`;
    case 'concat':
      return `${out} = layers.Concatenate(name=${name})([${layer.inputs.join(', ')}])`;
    case 'add':
      return `${out} = layers.Add(name=${name})([${layer.inputs.join(', ')}])`;
    case 'resize': {
      const p = layer.params as NodeParamsMap['resize'];
      return `${out} = layers.Resizing(${p.height}, ${p.width}, interpolation='bilinear', name=${name})(${x})`;
    }
    case 'vggBlock': {
      const p = layer.params as NodeParamsMap['vggBlock'];
      return `${out} = vgg_block(${x}, ${p.numConvs}, ${p.filters})`;
    }
    case 'ninBlock': {
      const p = layer.params as NodeParamsMap['ninBlock'];
      return `${out} = nin_block(${x}, ${p.filters}, ${p.kernelSize}, ${p.strides}, ${padArg(p.padding)})`;
    }
    case 'inception': {
      const p = layer.params as NodeParamsMap['inception'];
      return `${out} = inception(${x}, ${p.c1}, ${pyLiteral(p.c2)}, ${pyLiteral(p.c3)}, ${p.c4})`;
    }
    case 'residual': {
      const p = layer.params as NodeParamsMap['residual'];
      return `${out} = residual(${x}, ${p.filters}, use_1x1conv=${pyLiteral(p.use1x1)}, strides=${p.strides})`;
    }
    case 'denseBlock': {
      const p = layer.params as NodeParamsMap['denseBlock'];
      return `${out} = dense_block(${x}, ${p.numConvs}, ${p.growthRate})`;
    }
    case 'transition':
      return `${out} = transition_block(${x}, ${(layer.params as NodeParamsMap['transition']).filters})`;
    case 'input':
      throw new ExportError(layer.node.id, 'a second input node; the exported model takes one input');
  }
}

function optimizerSource(training: TrainingSettings): string {
  const lr = pyLiteral(training.learningRate);
  const decay = pyLiteral(training.weightDecay);
  switch (training.optimizer) {
    case 'sgd':
      return `keras.optimizers.SGD(${lr}, momentum=${pyLiteral(training.momentum)}, nesterov=${pyLiteral(training.nesterov)})`;
    case 'adam':
      return `keras.optimizers.Adam(${lr})`;
    case 'adamw':
      return `keras.optimizers.AdamW(${lr}, weight_decay=${decay})`;
    case 'rmsprop':
      return `keras.optimizers.RMSprop(${lr})`;
  }
}

/** The Keras script for a planned graph. */
export function kerasSource(plan: ExportPlan, training: TrainingSettings): string {
  const used = new Set(plan.layers.map((layer) => layer.type));
  const blocks = Object.entries(BLOCKS)
    .filter(([type]) => used.has(type as PlannedNode['type']))
    .map(([, source]) => source);
  const [h, w, c] = plan.inputShape;
  const body = plan.layers.map(statement).join('\n');
  return `"""${pyComment(plan.document.name)}: exported from CNN Studio (Keras functional API, channels-last).

Input: N × ${h} × ${w} × ${c}. Output: N × ${plan.numClasses} class scores (logits).
Trainable parameters: ${plan.analysis.totals.trainable}.
Train:  python model_keras.py --epochs ${training.epochs}
"""
import argparse

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

INPUT_SHAPE = (${h}, ${w}, ${c})
NUM_CLASSES = ${plan.numClasses}


${[HELPERS, ...blocks].join('\n\n\n')}


def build_model():
    ${plan.inputName} = keras.Input(shape=INPUT_SHAPE)
${indent(body, 1)}
    return keras.Model(${plan.inputName}, ${plan.outputName}, name=${pyLiteral(plan.document.name)})


def load_data(limit):
    (x_train, y_train), (x_test, y_test) = keras.datasets.${training.dataset === 'mnist' ? 'mnist' : 'fashion_mnist'}.load_data()
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]

    def prepare(x):
        x = tf.image.resize(tf.cast(x[..., None], tf.float32) / 255.0, INPUT_SHAPE[:2])
        return tf.image.grayscale_to_rgb(x) if INPUT_SHAPE[2] == 3 else x
    return (prepare(x_train), y_train), (prepare(x_test), y_test)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=${training.epochs})
    parser.add_argument('--batch-size', type=int, default=${training.batchSize})
    parser.add_argument('--limit', type=int, default=0)
    args = parser.parse_args()
    tf.random.set_seed(${training.seed})
    model = build_model()
    model.compile(optimizer=${optimizerSource(training)},
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
    (x_train, y_train), (x_test, y_test) = load_data(args.limit)
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_data=(x_test, y_test))
    model.save('model.keras')


if __name__ == '__main__':
    main()
`;
}
