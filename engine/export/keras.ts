/**
 * Graph → a Keras (TensorFlow 2) script with the functional API: `build_model()` plus a
 * training entry with the run's settings. Channels-last like CNN Studio, so layer for
 * layer it is the network the app trains (and its weights load by layer name). Each layer's
 * statement is its node definition's `export.keras` rule (engine/nodes); the helpers below
 * are the padding-aware layer calls those rules share.
 */
import type { TrainingSettings } from '../graph/document';
import { isFrozen } from '../graph/freeze';
import { applyRules, outputDescription, type ExportPlan } from './plan';
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

/**
 * Layers made inside `with frozen():` are created with `trainable=False` (the graph's frozen
 * nodes, for transfer learning); every Keras layer passes its keyword arguments up to
 * `Layer.__init__`, which this briefly wraps.
 */
const FROZEN_HELPER = `@contextlib.contextmanager
def frozen():
    init = keras.layers.Layer.__init__

    def frozen_init(self, *args, **kwargs):
        kwargs['trainable'] = False
        init(self, *args, **kwargs)
    keras.layers.Layer.__init__ = frozen_init
    try:
        yield
    finally:
        keras.layers.Layer.__init__ = init`;

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
  const rules = plan.layers.map((layer) =>
    applyRules(layer, 'keras', (keras) => ({
      helper: keras.helper,
      // A frozen node's layers, however many its statement makes, are made non-trainable.
      statement: isFrozen(layer.node)
        ? `with frozen():\n${indent(keras.statement(layer), 1)}`
        : keras.statement(layer),
    })),
  );
  const frozenHelper = plan.layers.some((layer) => isFrozen(layer.node)) ? [FROZEN_HELPER] : [];
  const helpers = [
    ...new Set([
      ...frozenHelper,
      ...rules.flatMap((rule) => (rule.helper === undefined ? [] : [rule.helper])),
    ]),
  ];
  const [h, w, c] = plan.inputShape;
  const body = rules.map((rule) => rule.statement).join('\n');
  return `"""${pyComment(plan.document.name)}: exported from CNN Studio (Keras functional API, channels-last).

Input: N × ${h} × ${w} × ${c}. Output: N × ${plan.numClasses} ${outputDescription(plan)}.
Trainable parameters: ${plan.analysis.totals.trainable}.
Train:  python model_keras.py --epochs ${training.epochs}
"""
import argparse${frozenHelper.length > 0 ? '\nimport contextlib' : ''}

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

INPUT_SHAPE = (${h}, ${w}, ${c})
NUM_CLASSES = ${plan.numClasses}


${[HELPERS, ...helpers].join('\n\n\n')}


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
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=${pyLiteral(!plan.outputIsProbabilities)}), metrics=['accuracy'])
    (x_train, y_train), (x_test, y_test) = load_data(args.limit)
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_data=(x_test, y_test))
    model.save('model.keras')


if __name__ == '__main__':
    main()
`;
}
