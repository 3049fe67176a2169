/** Tiny graphs and settings for the training tests (synthetic 28×28×1 data, 10 classes). */
import { compileGraph } from '../compile/compile';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type Params,
  type TrainingSettings,
} from '../graph/document';
import { writeCheckpoint } from './checkpoint';
import { createOptimizer } from './optimizer';
import { trainStep } from './step';
import type { Tf, tfjs } from './tf-types';

/** A chain of nodes wired `out → in` in order. */
export function chainGraph(
  name: string,
  nodes: Array<{ id: string; type: string; params: Params }>,
): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: nodes.map((node, i) => ({ ...node, position: { x: 0, y: i * 100 } })),
    edges: nodes.slice(1).map((node, i) => ({
      id: `e${i + 1}`,
      source: nodes[i].id,
      sourcePort: 'out',
      target: node.id,
      targetPort: 'in',
    })),
    training: { ...DEFAULT_TRAINING, dataset: 'synthetic' },
    layout: { direction: 'TB' },
    meta: {},
  };
}

/** conv(4, 3) relu → maxpool 2 → [dropout] → flatten → dense(units): small and quick to train. */
export function tinyCnn(
  options: { units?: number; batchNorm?: boolean; dropout?: boolean; size?: number } = {},
): GraphDocument {
  const size = options.size ?? 28;
  return chainGraph('tiny cnn', [
    { id: 'input', type: 'input', params: { height: size, width: size, channels: 1 } },
    {
      id: 'conv',
      type: 'conv2d',
      params: { filters: 4, kernelSize: 3, activation: options.batchNorm ? 'none' : 'relu' },
    },
    ...(options.batchNorm
      ? [
          { id: 'bn', type: 'batchNorm', params: {} },
          { id: 'act', type: 'activation', params: { fn: 'relu' } },
        ]
      : []),
    { id: 'pool', type: 'maxPool2d', params: { poolSize: 2 } },
    ...(options.dropout ? [{ id: 'drop', type: 'dropout', params: { rate: 0.25 } }] : []),
    { id: 'flat', type: 'flatten', params: {} },
    { id: 'out', type: 'dense', params: { units: options.units ?? 10, activation: 'none' } },
  ]);
}

/** Settings for a few quick batches on the synthetic set. */
export function quickTraining(overrides: Partial<TrainingSettings> = {}): TrainingSettings {
  return {
    ...DEFAULT_TRAINING,
    dataset: 'synthetic',
    epochs: 2,
    batchSize: 32,
    learningRate: 0.01,
    optimizer: 'adam',
    ...overrides,
  };
}

/**
 * A real checkpoint of `tinyCnn()` after one SGD-with-momentum step (so the optimizer has
 * state), written into `dir`; returns what a resume needs to rebuild the model and optimizer.
 */
export async function writeTinyCheckpoint(
  tf: Tf,
  dir: string,
): Promise<{ graph: GraphDocument; training: TrainingSettings }> {
  const graph = tinyCnn();
  const training = quickTraining({ optimizer: 'sgd', momentum: 0.9, learningRate: 0.05 });
  const model = compileGraph(tf, graph);
  const optimizer = createOptimizer(tf, training);
  try {
    const xs = tf.zeros([2, 28, 28, 1]) as tfjs.Tensor4D;
    const labels = tf.tensor1d([1, 2], 'int32');
    const context = { tf, model, optimizer, classCount: 10, outputIsProbabilities: false, gradientClip: 0 };
    tf.dispose([trainStep(context, xs, labels, 0.05), xs, labels]);
    const history = [
      { epoch: 1, trainLoss: 2, trainAccuracy: 0.1, testLoss: 2, testAccuracy: 0.1, seconds: 1 },
    ];
    await writeCheckpoint(tf, dir, {
      model,
      optimizer,
      info: { epochsDone: 1, history, graph, training, datasetId: 'synthetic', limit: 64 },
    });
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return { graph, training };
}

/** A fresh model and optimizer to restore a `writeTinyCheckpoint` into; dispose both after use. */
export function tinyTargets(tf: Tf, graph: GraphDocument, training: TrainingSettings) {
  return { model: compileGraph(tf, graph), optimizer: createOptimizer(tf, training) };
}
