/** Evaluation of a model on a set of images, in batches, in inference mode. */
import type { ImageSet } from '../datasets/types';
import { createBatches } from '../datasets/pipeline/batches';
import type { Shape } from '../graph/document';
import { addToConfusion, emptyConfusion, overallAccuracy } from './metrics';
import { evaluateBatch, type StepContext } from './step';
import { yieldToEventLoop } from './control';

export interface Evaluation {
  loss: number;
  accuracy: number;
  /** `[trueClass][predictedClass]` counts. */
  confusion: number[][];
  count: number;
}

export interface EvaluateOptions {
  batchSize: number;
  /** The model's input `[h, w, c]`: images are resized and channel-adapted to it. */
  target: Shape;
  indices?: Uint32Array;
  /** Checked between batches: evaluation gives up (returns null) when it turns true. */
  shouldStop?: () => boolean;
}

/** Mean loss, accuracy and confusion matrix of `model` on `set` (or its `indices` subset). */
export async function evaluateSet(
  context: Pick<StepContext, 'tf' | 'model' | 'classCount' | 'outputIsProbabilities'>,
  set: ImageSet,
  options: EvaluateOptions,
): Promise<Evaluation | null> {
  const { tf } = context;
  const [h, w, c] = options.target;
  const confusion = emptyConfusion(context.classCount);
  let lossSum = 0;
  let count = 0;
  const batches = createBatches(set, {
    batchSize: options.batchSize,
    target: [h, w, c],
    shuffle: false,
    seed: 0,
    ...(options.indices ? { indices: options.indices } : {}),
  });
  for (const batch of batches) {
    if (options.shouldStop?.()) return null;
    const xs = tf.tensor4d(batch.xs, [batch.size, h, w, c]);
    const labels = tf.tensor1d(batch.labels, 'int32');
    const result = evaluateBatch(context, xs, labels);
    const [batchLoss, predicted] = await Promise.all([result.lossSum.data(), result.predicted.data()]);
    tf.dispose([xs, labels, result.lossSum, result.predicted]);
    lossSum += batchLoss[0];
    count += batch.size;
    addToConfusion(confusion, batch.labels, predicted);
    await yieldToEventLoop();
  }
  return { loss: count === 0 ? 0 : lossSum / count, accuracy: overallAccuracy(confusion), confusion, count };
}
