/** A graph with blocks of one's own, for the export tests (PyTorch, ONNX). */
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type Params,
} from '../../graph/document';
import type { UserBlockDefinition } from '../../nodes/user-block';

/**
 * Blocks of your own: a residual-style block (conv, batch norm, the input added back, ReLU)
 * repeated twice, then a block holding a built-in Residual; flatten, dense.
 */
export function userBlockGraph(): GraphDocument {
  const identity: UserBlockDefinition = {
    type: 'user.plainResidual',
    label: 'Plain residual',
    exampleInput: [12, 12, 6],
    nodes: [
      { id: 'conv', type: 'conv2d', params: { filters: 6, kernelSize: 3, padding: 1, activation: 'none' } },
      { id: 'bn', type: 'batchNorm', params: {} },
      { id: 'sum', type: 'add', params: {} },
      { id: 'relu', type: 'activation', params: { fn: 'relu' } },
    ],
    edges: [
      { source: '$in', target: 'conv' },
      { source: 'conv', target: 'bn' },
      { source: 'bn', target: 'sum' },
      { source: '$in', target: 'sum' },
      { source: 'sum', target: 'relu' },
    ],
    output: 'relu',
    params: [],
  };
  const down: UserBlockDefinition = {
    type: 'user.down',
    label: 'Down',
    exampleInput: [12, 12, 6],
    nodes: [
      { id: 'res', type: 'residual', params: { filters: 8, use1x1: true, strides: 2 } },
      { id: 'pool', type: 'maxPool2d', params: { poolSize: 2 } },
    ],
    edges: [
      { source: '$in', target: 'res' },
      { source: 'res', target: 'pool' },
    ],
    output: 'pool',
    params: [{ name: 'filters', label: 'Filters', default: 8, targets: [{ node: 'res', param: 'filters' }] }],
  };
  const chain: Array<[string, string, Params]> = [
    ['in', 'input', { height: 12, width: 12, channels: 3 }],
    ['stem', 'conv2d', { filters: 6, kernelSize: 3, padding: 1, activation: 'relu' }],
    ['stage', identity.type, { repeat: 2 }],
    ['shrink', down.type, { filters: 10 }],
    ['flat', 'flatten', {}],
    ['fc', 'dense', { units: 5, activation: 'none' }],
  ];
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'own blocks',
    nodes: chain.map(([id, type, params], i) => ({ id, type, params, position: { x: 0, y: i * 80 } })),
    edges: chain.slice(1).map(([id], i) => ({
      id: `e${i}`,
      source: chain[i][0],
      sourcePort: 'out',
      target: id,
      targetPort: 'in',
    })),
    training: { ...DEFAULT_TRAINING },
    layout: { direction: 'TB' },
    meta: {},
    blocks: [identity, down],
  };
}
