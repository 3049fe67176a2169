/**
 * Checks before training: the graph is valid, its output is a vector of class scores with
 * as many units as the dataset has classes, and one training step fits in memory. Cheap and
 * pure, so the run manager can reject a request before starting a worker.
 */
import { analyzeGraph } from '../graph/analyze';
import { GraphInvalidError } from '../graph/errors';
import type { GraphDocument, Shape, TrainingSettings } from '../graph/document';
import type { GraphAnalysis } from '../graph/types';
import type { DatasetInfo } from '../protocol/api';
import { outputIsProbabilities } from '../nodes/output-kind';
import { TrainingError } from './failures';
import { memoryRefusal, type MemoryEstimate } from './memory';

/** Throws `TrainingError` naming the first setting that cannot work, quoting its value. */
export function checkSettings(settings: TrainingSettings): void {
  const rules: Array<[boolean, string]> = [
    [
      Number.isFinite(settings.learningRate) && settings.learningRate > 0,
      `the learning rate must be a positive number, got ${settings.learningRate}`,
    ],
    [
      Number.isInteger(settings.epochs) && settings.epochs >= 1,
      `epochs must be a whole number ≥ 1, got ${settings.epochs}`,
    ],
    [
      Number.isInteger(settings.batchSize) && settings.batchSize >= 1,
      `the batch size must be a whole number ≥ 1, got ${settings.batchSize}`,
    ],
    [settings.weightDecay >= 0, `weight decay must be ≥ 0, got ${settings.weightDecay}`],
    [settings.gradientClip >= 0, `the gradient clip must be ≥ 0 (0 = off), got ${settings.gradientClip}`],
    [settings.warmupEpochs >= 0, `warm-up epochs must be ≥ 0, got ${settings.warmupEpochs}`],
    [Number.isInteger(settings.seed), `the seed must be a whole number, got ${settings.seed}`],
  ];
  const failed = rules.find(([ok]) => !ok);
  if (failed) throw new TrainingError(failed[1]);
}

/** What training needs to know about a graph that passed the checks. */
export interface RunPlan {
  analysis: GraphAnalysis;
  /** The input node's `[h, w, c]`: images are resized and channel-adapted to it. */
  inputShape: Shape;
  classCount: number;
  /** The graph ends in softmax, so its output is probabilities rather than logits. */
  outputIsProbabilities: boolean;
  paramCount: number;
}

/**
 * Throws `GraphInvalidError` (listing the issues) for an invalid graph and `TrainingError`
 * when the output does not match the dataset's classes, naming both numbers.
 */
export function checkRunnable(graph: GraphDocument, dataset: DatasetInfo): RunPlan {
  const analysis = analyzeGraph(graph);
  if (!analysis.valid)
    throw new GraphInvalidError(analysis.issues, `the graph "${graph.name}" cannot be trained`);
  const inputShape = analysis.inputShape;
  const outputShape = analysis.outputShape;
  const outputId = analysis.outputNodeId ?? '?';
  if (!inputShape || inputShape.length !== 3) {
    throw new TrainingError(
      `the input node must give an image [height, width, channels], got [${inputShape ?? ''}]`,
    );
  }
  const classCount = dataset.classNames.length;
  if (!outputShape || outputShape.length !== 1) {
    throw new TrainingError(
      `the output node ${outputId} gives [${outputShape ?? ''}], not a vector of class scores: end the graph with flatten and a dense layer of ${classCount} units`,
    );
  }
  if (outputShape[0] !== classCount) {
    throw new TrainingError(
      `the dataset '${dataset.id}' has ${classCount} classes but the model's output node ${outputId} has ${outputShape[0]} units — set its units to ${classCount}`,
    );
  }
  const outputNode = graph.nodes.find((node) => node.id === analysis.outputNodeId);
  return {
    analysis,
    inputShape,
    classCount,
    outputIsProbabilities: outputIsProbabilities(outputNode),
    paramCount: analysis.totals.trainable + analysis.totals.nonTrainable,
  };
}

/** Throws `TrainingError` (figure, budget and the batch size that fits) when a step would not fit. */
export function checkMemory(estimate: MemoryEstimate): void {
  const refusal = memoryRefusal(estimate);
  if (refusal) throw new TrainingError(refusal);
}
