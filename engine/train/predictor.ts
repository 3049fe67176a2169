/**
 * A trained model loaded for inference: class probabilities for one image, and the test
 * images it gets wrong. Images go through the training pipeline (resize, channel
 * adaptation, [0, 1] scaling) to the model's input shape.
 */
import { compileGraph } from '../compile/compile';
import { createBatches, sampleToInput, toSample, type ImageSet } from '../datasets/index';
import type { GraphDocument } from '../graph/document';
import type { MisclassifiedExample, SampleImage } from '../protocol/api';
import { readModelWeights } from './model-files';
import type { RunPlan } from './preflight';
import type { Tf, tfjs } from './tf-types';

export interface Predictor {
  /** Probabilities per class for one image. */
  probabilities(image: SampleImage): Promise<number[]>;
  /** Up to `count` images of `set` the model classifies wrongly, in set order. */
  misclassified(set: ImageSet, count: number): Promise<MisclassifiedExample[]>;
  dispose(): void;
}

/** Builds `graph`'s model and loads the weights saved in `weightsDir`. */
export async function loadPredictor(
  tf: Tf,
  graph: GraphDocument,
  plan: Pick<RunPlan, 'inputShape' | 'outputIsProbabilities'>,
  weightsDir: string,
): Promise<Predictor> {
  const model = compileGraph(tf, graph);
  try {
    await readModelWeights(tf, model, weightsDir);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const [h, w, c] = plan.inputShape;
  const toProbabilities = (xs: tfjs.Tensor4D): tfjs.Tensor2D =>
    tf.tidy(() => {
      const output = model.apply(xs, { training: false }) as tfjs.Tensor2D;
      return plan.outputIsProbabilities ? output : tf.softmax(output);
    });

  return {
    async probabilities(image) {
      const xs = tf.tensor4d(sampleToInput(image, [h, w, c]), [1, h, w, c]);
      const probabilities = toProbabilities(xs);
      const values = Array.from(await probabilities.data());
      tf.dispose([xs, probabilities]);
      return values;
    },
    async misclassified(set, count) {
      const found: MisclassifiedExample[] = [];
      if (count <= 0) return found;
      for (const batch of createBatches(set, {
        batchSize: 256,
        target: [h, w, c],
        shuffle: false,
        seed: 0,
      })) {
        const xs = tf.tensor4d(batch.xs, [batch.size, h, w, c]);
        const predicted = tf.tidy(() => tf.argMax(toProbabilities(xs), -1));
        const classes = await predicted.data();
        tf.dispose([xs, predicted]);
        for (let i = 0; i < batch.size && found.length < count; i++) {
          if (classes[i] !== batch.labels[i])
            found.push({ image: toSample(set, batch.indices[i]), predictedClass: classes[i] });
        }
        if (found.length >= count) break;
      }
      return found;
    },
    dispose: () => model.dispose(),
  };
}
