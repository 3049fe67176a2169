/**
 * One training step and one evaluation batch, on tensors. Both read nothing back to the
 * host: they return small tensors the trainer reads once per batch.
 */
import type { Tf, tfjs } from './tf-types';
import type { TrainingOptimizer } from './optimizer';
import { clipByGlobalNorm } from './gradients';

/** What a step needs that stays the same across steps. */
export interface StepContext {
  tf: Tf;
  model: tfjs.LayersModel;
  optimizer: TrainingOptimizer;
  classCount: number;
  /** True when the graph ends in softmax: the loss then takes probabilities, not logits. */
  outputIsProbabilities: boolean;
  /** Global-norm clip; 0 = off. */
  gradientClip: number;
}

/**
 * Mean cross-entropy of a batch: softmax cross-entropy on logits, or the negative log of the
 * clipped probabilities when the model already applies softmax.
 */
export function crossEntropy(
  tf: Tf,
  labels: tfjs.Tensor1D,
  output: tfjs.Tensor,
  classCount: number,
  outputIsProbabilities: boolean,
): tfjs.Scalar {
  const oneHot = tf.oneHot(labels, classCount);
  if (!outputIsProbabilities) return tf.losses.softmaxCrossEntropy(oneHot, output) as tfjs.Scalar;
  const logProbabilities = tf.log(tf.clipByValue(output, 1e-7, 1));
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities), -1)));
}

/**
 * Looks inside one training step (training health, layer-health.ts). Everything it makes in
 * these calls is disposed by the step's tidy unless it keeps it (`tf.keep`).
 */
export interface StepObserver {
  /** The forward pass in training mode in place of `model.apply`; returns the model's output. */
  forward(xs: tfjs.Tensor4D): tfjs.Tensor;
  /** The gradients by variable name, before clipping, just before the optimizer's update. */
  beforeUpdate(variables: readonly tfjs.Variable[], gradients: Record<string, tfjs.Tensor>): void;
  /** Just after the update. */
  afterUpdate(variables: readonly tfjs.Variable[]): void;
}

/**
 * Forward in training mode (dropout on, batch norm on batch statistics and updating its moving
 * averages), backward, clip, one optimizer update at `learningRate`.
 * Returns `[meanLoss, correctCount]` as a 2-element tensor the caller reads and disposes.
 * An `observer` (a sampled step) sees the forward, the gradients and the update.
 */
export function trainStep(
  context: StepContext,
  xs: tfjs.Tensor4D,
  labels: tfjs.Tensor1D,
  learningRate: number,
  observer?: StepObserver,
): tfjs.Tensor1D {
  const { tf, model, optimizer } = context;
  const variables = model.trainableWeights.map((weight) => weight.read() as tfjs.Variable);
  return tf.tidy(() => {
    let correct: tfjs.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const output = observer ? observer.forward(xs) : (model.apply(xs, { training: true }) as tfjs.Tensor);
      // Kept so it outlives the gradient tape's tidy; disposed below.
      correct = tf.keep(countCorrect(tf, output, labels));
      return crossEntropy(tf, labels, output, context.classCount, context.outputIsProbabilities);
    }, variables);
    const withGradients = variables.filter((variable) => grads[variable.name] !== undefined);
    const clipped = clipByGlobalNorm(
      tf,
      withGradients.map((variable) => grads[variable.name]),
      context.gradientClip,
    );
    observer?.beforeUpdate(withGradients, grads);
    optimizer.apply(withGradients, clipped.gradients, learningRate);
    observer?.afterUpdate(withGradients);
    const kept = correct as tfjs.Scalar | null;
    const result = tf.stack([value, kept ?? tf.scalar(0)]) as tfjs.Tensor1D;
    kept?.dispose();
    return result;
  });
}

/** Number of rows whose highest score is the label. */
export function countCorrect(tf: Tf, output: tfjs.Tensor, labels: tfjs.Tensor1D): tfjs.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'float32'));
}

/**
 * Forward in inference mode. Returns the summed loss of the batch and each row's predicted
 * class; the caller reads and disposes both.
 */
export function evaluateBatch(
  context: Pick<StepContext, 'tf' | 'model' | 'classCount' | 'outputIsProbabilities'>,
  xs: tfjs.Tensor4D,
  labels: tfjs.Tensor1D,
): { lossSum: tfjs.Scalar; predicted: tfjs.Tensor1D } {
  const { tf, model } = context;
  return tf.tidy(() => {
    const output = model.apply(xs, { training: false }) as tfjs.Tensor;
    const loss = crossEntropy(tf, labels, output, context.classCount, context.outputIsProbabilities);
    return {
      lossSum: tf.mul(loss, labels.shape[0]) as tfjs.Scalar,
      predicted: tf.argMax(output, -1) as tfjs.Tensor1D,
    };
  });
}
