/**
 * A trained model loaded for inference: class probabilities for one image, how it classifies
 * a set of images, the test images it gets wrong, and Grad-CAM maps. Images go through the
 * training pipeline (resize, channel adaptation, [0, 1] scaling) to the model's input shape.
 */
import { compileGraph } from '../compile/compile';
import { tfjsSafeName } from '../compile/layer-names';
import { createBatches, sampleToInput, toSample, type ImageSet } from '../datasets/index';
import type { GraphDocument } from '../graph/document';
import type { ClassActivations, MisclassifiedExample, SampleImage } from '../protocol/api';
import type { SetClassification } from './confusion-cells';
import { evaluateSet, type Evaluation } from './evaluate';
import { gradCam } from './grad-cam';
import { readModelWeights } from './model-files';
import type { RunPlan } from './preflight';
import type { Tf, tfjs } from './tf-types';

/** Images per inference batch: large enough to keep the backend busy, small enough for any model. */
const BATCH_SIZE = 256;

export interface Predictor {
  /** Probabilities per class for one image. */
  probabilities(image: SampleImage): Promise<number[]>;
  /** Up to `count` images of `set` the model classifies wrongly, in set order. */
  misclassified(set: ImageSet, count: number): Promise<MisclassifiedExample[]>;
  /** The predicted class and its probability for every image of `set` (or of `indices`), in order. */
  classify(set: ImageSet, indices?: Uint32Array): Promise<SetClassification>;
  /**
   * Mean loss, accuracy and confusion matrix on `set` (or its `indices`), as training evaluates
   * (engine/train/evaluate.ts), for `classCount` classes.
   */
  evaluate(set: ImageSet, classCount: number, indices?: Uint32Array): Promise<Evaluation>;
  /** Grad-CAM maps of `images`, for their predicted classes or `classes`. */
  classActivations(images: readonly SampleImage[], classes?: readonly number[]): Promise<ClassActivations>;
  dispose(): void;
}

/**
 * The graph node a compiled layer belongs to: layers are named `<node id, made safe>_<suffix>`
 * (compile/layer-names.ts), so the node with the longest such prefix.
 */
export function nodeIdOfLayer(graph: GraphDocument, layerName: string): string | null {
  let best: string | null = null;
  let bestLength = 0;
  for (const node of graph.nodes) {
    const prefix = `${tfjsSafeName(node.id)}_`;
    if (layerName.startsWith(prefix) && prefix.length > bestLength) {
      best = node.id;
      bestLength = prefix.length;
    }
  }
  return best;
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

  /** Predicted class and its probability for each image of one batch. */
  const classifyBatch = async (xs: tfjs.Tensor4D) => {
    const [predicted, confidence] = tf.tidy((): [tfjs.Tensor1D, tfjs.Tensor1D] => {
      const probabilities = toProbabilities(xs);
      return [tf.argMax(probabilities, -1), tf.max(probabilities, -1)];
    });
    const [classes, best] = await Promise.all([predicted.data<'int32'>(), confidence.data<'float32'>()]);
    tf.dispose([predicted, confidence]);
    return { classes, best };
  };

  /** `set`'s images (or `indices`) in inference batches, in order. */
  const batchesOf = (set: ImageSet, indices?: Uint32Array) =>
    createBatches(set, {
      batchSize: BATCH_SIZE,
      target: [h, w, c],
      shuffle: false,
      seed: 0,
      ...(indices ? { indices } : {}),
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
      for (const batch of batchesOf(set)) {
        const xs = tf.tensor4d(batch.xs, [batch.size, h, w, c]);
        const { classes, best } = await classifyBatch(xs);
        xs.dispose();
        for (let i = 0; i < batch.size && found.length < count; i++) {
          if (classes[i] !== batch.labels[i])
            found.push({
              image: toSample(set, batch.indices[i]),
              predictedClass: classes[i],
              confidence: best[i],
              index: batch.indices[i],
            });
        }
        if (found.length >= count) break;
      }
      return found;
    },

    async evaluate(set, classCount, indices) {
      const evaluation = await evaluateSet(
        { tf, model, classCount, outputIsProbabilities: plan.outputIsProbabilities },
        set,
        { batchSize: BATCH_SIZE, target: [h, w, c], ...(indices ? { indices } : {}) },
      );
      // Without shouldStop, evaluateSet always finishes.
      return evaluation!;
    },

    async classify(set, indices) {
      const count = indices?.length ?? set.count;
      const result: SetClassification = {
        indices: new Uint32Array(count),
        labels: new Int32Array(count),
        predicted: new Int32Array(count),
        confidence: new Float32Array(count),
      };
      let at = 0;
      for (const batch of batchesOf(set, indices)) {
        const xs = tf.tensor4d(batch.xs, [batch.size, h, w, c]);
        const { classes, best } = await classifyBatch(xs);
        xs.dispose();
        result.indices.set(batch.indices.subarray(0, batch.size), at);
        result.labels.set(batch.labels.subarray(0, batch.size), at);
        result.predicted.set(classes.subarray(0, batch.size), at);
        result.confidence.set(best.subarray(0, batch.size), at);
        at += batch.size;
      }
      return result;
    },

    async classActivations(images, classes) {
      const size = h * w * c;
      const pixels = new Float32Array(images.length * size);
      images.forEach((image, i) => pixels.set(sampleToInput(image, [h, w, c]), i * size));
      const xs = tf.tensor4d(pixels, [images.length, h, w, c]);
      try {
        const result = await gradCam(tf, model, xs, {
          outputIsProbabilities: plan.outputIsProbabilities,
          ...(classes ? { classIndices: classes } : {}),
        });
        return {
          layerName: result.layerName,
          nodeId: nodeIdOfLayer(graph, result.layerName),
          height: result.height,
          width: result.width,
          // Three decimals are plenty for a colour and keep the message small.
          maps: result.maps.map((map, i) => ({
            classIndex: result.classIndices[i],
            values: Array.from(map, (v) => Math.round(v * 1000) / 1000),
          })),
        };
      } finally {
        xs.dispose();
      }
    },

    dispose: () => model.dispose(),
  };
}
