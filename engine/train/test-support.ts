/** Tiny graphs and settings for the training tests (synthetic 28×28×1 data, 10 classes). */
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type Params,
  type TrainingSettings,
} from '../graph/document';

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
