/**
 * Checks before training: the graph is valid, its output is a vector of class scores with
 * as many units as the dataset has classes. Cheap and pure, so the run manager can reject a
 * request before starting a worker.
 */
import { analyzeGraph } from '../graph/analyze';
import { GraphInvalidError } from '../graph/errors';
import type { GraphDocument, Shape } from '../graph/document';
import type { GraphAnalysis } from '../graph/types';
import type { DatasetInfo } from '../protocol/api';
import { TrainingError } from './failures';

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
  if (!analysis.valid) throw new GraphInvalidError(analysis.issues, `the graph "${graph.name}" cannot be trained`);
  const inputShape = analysis.inputShape;
  const outputShape = analysis.outputShape;
  const outputId = analysis.outputNodeId ?? '?';
  if (!inputShape || inputShape.length !== 3) {
    throw new TrainingError(`the input node must give an image [height, width, channels], got [${inputShape ?? ''}]`);
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
  const outputIsProbabilities =
    outputNode !== undefined &&
    !outputNode.bypassed &&
    ((outputNode.type === 'dense' && outputNode.params.activation === 'softmax') ||
      (outputNode.type === 'activation' && outputNode.params.fn === 'softmax'));
  return {
    analysis,
    inputShape,
    classCount,
    outputIsProbabilities,
    paramCount: analysis.totals.trainable + analysis.totals.nonTrainable,
  };
}
