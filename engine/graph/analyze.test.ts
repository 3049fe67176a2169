import { describe, expect, it } from 'vitest';
import { getNodeType, nodeTypes } from '../nodes/registry';
import type { NodeTypeDefinition } from '../nodes/types';
import { analyzeGraph } from './analyze';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type Params,
  type Shape,
} from './document';
import type { GraphAnalysis, GraphIssue, IssueCode } from './types';

type NodeRow = [id: string, type: string, params?: Params, extra?: { bypassed?: boolean }];
/** [source, target] or [source, target, targetPort, sourcePort]. */
type EdgeRow = [source: string, target: string, targetPort?: string, sourcePort?: string];

/** A document from compact rows; edges get ids e1, e2, … in order. */
function graph(nodes: NodeRow[], edges: EdgeRow[]): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'test',
    nodes: nodes.map(([id, type, params = {}, extra = {}], i) => ({
      id,
      type,
      params,
      position: { x: 0, y: i * 100 },
      ...extra,
    })),
    edges: edges.map(([source, target, targetPort = 'in', sourcePort = 'out'], i) => ({
      id: `e${i + 1}`,
      source,
      sourcePort,
      target,
      targetPort,
    })),
    training: DEFAULT_TRAINING,
    layout: { direction: 'TB' },
    meta: {},
  };
}

/** A chain: each node wired to the next. */
function chain(...nodes: NodeRow[]): GraphDocument {
  return graph(
    nodes,
    nodes.slice(1).map((node, i): EdgeRow => [nodes[i][0], node[0]]),
  );
}

const input = (size = 28, channels = 1): NodeRow => ['in', 'input', { height: size, width: size, channels }];
const conv = (id: string, filters: number, kernelSize: number, more: Params = {}): NodeRow => [
  id,
  'conv2d',
  { filters, kernelSize, padding: 0, ...more },
];

const errors = (analysis: GraphAnalysis): GraphIssue[] =>
  analysis.issues.filter((issue) => issue.severity === 'error');
const codes = (analysis: GraphAnalysis): IssueCode[] => errors(analysis).map((issue) => issue.code);

function onlyError(analysis: GraphAnalysis, code: IssueCode): GraphIssue {
  expect(codes(analysis)).toEqual([code]);
  expect(analysis.valid).toBe(false);
  return errors(analysis)[0];
}

const lenet = (): GraphDocument =>
  chain(
    input(),
    conv('c1', 6, 5, { padding: 2, activation: 'sigmoid' }),
    ['p1', 'avgPool2d', { poolSize: 2 }],
    conv('c2', 16, 5, { activation: 'sigmoid' }),
    ['p2', 'avgPool2d', { poolSize: 2 }],
    ['f', 'flatten'],
    ['d1', 'dense', { units: 120, activation: 'sigmoid' }],
    ['d2', 'dense', { units: 84, activation: 'sigmoid' }],
    ['d3', 'dense', { units: 10 }],
  );

describe('analyzeGraph on a valid graph', () => {
  it('infers every shape and adds up params, multiply-adds and activation memory', () => {
    const analysis = analyzeGraph(lenet());
    expect(analysis.valid).toBe(true);
    expect(analysis.issues).toEqual([]);
    const shapes = Object.fromEntries(
      Object.values(analysis.nodes).map((node) => [node.id, node.outputShape]),
    );
    expect(shapes).toEqual({
      in: [28, 28, 1],
      c1: [28, 28, 6],
      p1: [14, 14, 6],
      c2: [10, 10, 16],
      p2: [5, 5, 16],
      f: [400],
      d1: [120],
      d2: [84],
      d3: [10],
    });
    expect(analysis.nodes.c2.inputShapes).toEqual([[14, 14, 6]]);
    expect(analysis.nodes.c1.params).toEqual({ trainable: 156, nonTrainable: 0 });
    expect(analysis.nodes.c1.activationBytes).toBe(28 * 28 * 6 * 4);
    // 5·5·1·6·28·28 + 5·5·6·16·10·10 + 400·120 + 120·84 + 84·10
    expect(analysis.totals).toEqual({
      trainable: 61_706,
      nonTrainable: 0,
      macs: 416_520,
      activationBytes: 9_278 * 4,
    });
    expect(analysis).toMatchObject({
      inputNodeId: 'in',
      outputNodeId: 'd3',
      inputShape: [28, 28, 1],
      outputShape: [10],
    });
  });

  it('orders nodes topologically whatever their order in the file', () => {
    const doc = lenet();
    doc.nodes.reverse();
    const { order, valid } = analyzeGraph(doc);
    expect(valid).toBe(true);
    expect(order).toEqual(['in', 'c1', 'p1', 'c2', 'p2', 'f', 'd1', 'd2', 'd3']);
  });

  it('feeds multi-input nodes in edge order', () => {
    const doc = graph(
      [
        input(8),
        conv('a', 4, 1),
        conv('b', 6, 1),
        ['cat', 'concat'],
        ['f', 'flatten'],
        ['d', 'dense', { units: 2 }],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['b', 'cat'],
        ['a', 'cat'],
        ['cat', 'f'],
        ['f', 'd'],
      ],
    );
    const analysis = analyzeGraph(doc);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes.cat.inputShapes).toEqual([
      [8, 8, 6],
      [8, 8, 4],
    ]);
    expect(analysis.nodes.cat.outputShape).toEqual([8, 8, 10]);
  });

  it('passes a bypassed node’s input through, with no params', () => {
    const doc = chain(input(8), conv('c', 4, 3, {}), ['f', 'flatten'], ['d', 'dense', { units: 2 }]);
    doc.nodes[1].bypassed = true;
    const analysis = analyzeGraph(doc);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes.c.outputShape).toEqual([8, 8, 1]);
    expect(analysis.nodes.c.params).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(analysis.nodes.d.inputShapes).toEqual([[64]]);
  });

  it('passes a bypassed merge node’s single input through', () => {
    const doc = chain(
      input(8),
      ['cat', 'concat', {}, { bypassed: true }],
      ['f', 'flatten'],
      ['d', 'dense', { units: 2 }],
    );
    const analysis = analyzeGraph(doc);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes.cat.outputShape).toEqual([8, 8, 1]);
  });

  it('warns when the model ends in an image rather than class scores', () => {
    const analysis = analyzeGraph(chain(input(8), conv('c', 4, 3)));
    expect(analysis.valid).toBe(true);
    expect(analysis.issues).toMatchObject([{ severity: 'warning', code: 'needs-flatten', nodeId: 'c' }]);
    expect(analysis.issues[0].message).toContain('add Flatten');
  });
});

describe('analyzeGraph reports each kind of problem, tied to its node or edge', () => {
  it('unknown type (with a spelling hint), downstream shapes unknown without more noise', () => {
    const analysis = analyzeGraph(chain(input(8), ['c', 'Conv2D'], ['f', 'flatten'], ['d', 'dense']));
    const issue = onlyError(analysis, 'unknown-type');
    expect(issue).toMatchObject({
      nodeId: 'c',
      message: 'unknown node type "Conv2D" (did you mean "conv2d"?)',
    });
    expect(analysis.nodes.f.outputShape).toBeNull();
    expect(analysis.nodes.d.outputShape).toBeNull();
    expect(analysis.nodes.in.outputShape).toEqual([8, 8, 1]);
  });

  it('bad param: wrong type, quoting the value', () => {
    const issue = onlyError(analyzeGraph(chain(input(8), conv('c', 4, 3, { filters: 'abc' }))), 'bad-param');
    expect(issue).toMatchObject({
      nodeId: 'c',
      param: 'filters',
      message: 'filters must be a whole number from 1 to 8192, got "abc"',
    });
  });

  it('bad param: out of range, quoting the value and the range', () => {
    const analysis = analyzeGraph(
      chain(input(8), conv('c', 0, 3), ['f', 'flatten'], ['d', 'dense', { units: 2 }]),
    );
    const issue = onlyError(analysis, 'bad-param');
    expect(issue).toMatchObject({
      nodeId: 'c',
      param: 'filters',
      message: 'filters must be a whole number from 1 to 8192, got 0',
    });
    expect(analysis.nodes.c.outputShape).toBeNull();
    expect(analysis.nodes.d.outputShape).toBeNull();
  });

  it('bad param: not a whole number, or a float outside an open range', () => {
    const analysis = analyzeGraph(chain(input(8), conv('c', 4, 2.5), ['drop', 'dropout', { rate: 1 }]));
    expect(errors(analysis).map((issue) => [issue.param, issue.message])).toEqual([
      ['kernelSize', 'kernelSize must be a whole number from 1 to 64, got 2.5'],
      ['rate', 'rate must be a number ≥ 0 and < 1, got 1'],
    ]);
  });

  it('bad param: not one of the choices, listing them', () => {
    const issue = onlyError(
      analyzeGraph(chain(input(8), conv('c', 4, 3, { activation: 'rellu' }))),
      'bad-param',
    );
    expect(issue.param).toBe('activation');
    expect(issue.message).toMatch(/^activation must be one of none, relu, .*, got "rellu"$/);
  });

  it('bad param: padding and pairs', () => {
    const doc = chain(
      input(8),
      conv('c', 4, 3, { padding: 'full' }),
      ['inc', 'inception', { c2: [96] }],
      conv('big', 4, 3, { padding: 2 ** 60 }),
    );
    expect(errors(analyzeGraph(doc)).map((issue) => issue.message)).toEqual([
      'padding must be "same", "valid" or a whole number of pixels from 0 to 64, got "full"',
      'c2 must be a pair of a whole number from 1 to 8192, got [96]',
      'padding must be "same", "valid" or a whole number of pixels from 0 to 64, got 1152921504606847000',
    ]);
  });

  it('an unknown param is a warning, not an error', () => {
    const analysis = analyzeGraph(chain(input(8), ['f', 'flatten'], ['d', 'dense', { units: 2, unit: 3 }]));
    expect(analysis.valid).toBe(true);
    expect(analysis.issues).toMatchObject([
      { severity: 'warning', code: 'bad-param', nodeId: 'd', param: 'unit' },
    ]);
  });

  it('duplicate node and edge ids', () => {
    const doc = chain(input(8), ['f', 'flatten'], ['d', 'dense', { units: 2 }]);
    doc.nodes.push({ id: 'f', type: 'flatten', params: {}, position: { x: 0, y: 0 } });
    doc.edges[1].id = 'e1';
    const analysis = analyzeGraph(doc);
    expect(errors(analysis)).toEqual([
      {
        severity: 'error',
        code: 'duplicate-id',
        nodeId: 'f',
        message: 'nodes[3] has the same id "f" as nodes[1]; ids must be unique (the later one is ignored)',
      },
      {
        severity: 'error',
        code: 'duplicate-id',
        edgeId: 'e1',
        message: 'edges[1] has the same id "e1" as edges[0]; ids must be unique',
      },
    ]);
  });

  it('dangling edge', () => {
    const doc = chain(input(8), ['f', 'flatten'], ['d', 'dense', { units: 2 }]);
    doc.edges.push({ id: 'e7', source: 'f', sourcePort: 'out', target: 'c9', targetPort: 'in' });
    expect(onlyError(analyzeGraph(doc), 'dangling-edge')).toMatchObject({
      edgeId: 'e7',
      message: 'target node "c9" does not exist',
    });
  });

  it('bad port, naming the ports there are', () => {
    const doc = graph(
      [input(8), ['f', 'flatten'], ['d', 'dense', { units: 2 }]],
      [
        ['in', 'f', 'in', 'output'],
        ['f', 'd', 'x'],
      ],
    );
    const analysis = analyzeGraph(doc);
    expect(errors(analysis).filter((issue) => issue.code === 'bad-port')).toEqual([
      {
        severity: 'error',
        code: 'bad-port',
        edgeId: 'e1',
        nodeId: 'in',
        message: 'Input "in" has no output port "output" (its outputs: out)',
      },
      {
        severity: 'error',
        code: 'bad-port',
        edgeId: 'e2',
        nodeId: 'd',
        message: 'Dense "d" has no input port "x" (its inputs: in)',
      },
    ]);
  });

  it('missing input on a merge node', () => {
    const doc = chain(
      input(8),
      conv('c', 4, 3),
      ['sum', 'add'],
      ['f', 'flatten'],
      ['d', 'dense', { units: 2 }],
    );
    const analysis = analyzeGraph(doc);
    expect(onlyError(analysis, 'missing-input')).toMatchObject({
      nodeId: 'sum',
      message: 'Add needs at least 2 inputs on port "in", got 1',
    });
    expect(analysis.nodes.d.outputShape).toBeNull();
  });

  it('missing input on a single-input node that feeds the model', () => {
    const doc = graph(
      [input(8), conv('a', 4, 3), conv('b', 4, 3), ['sum', 'add'], ['f', 'flatten'], ['d', 'dense']],
      [
        ['in', 'a'],
        ['a', 'sum'],
        ['b', 'sum'],
        ['sum', 'f'],
        ['f', 'd'],
      ],
    );
    expect(onlyError(analyzeGraph(doc), 'missing-input')).toMatchObject({
      nodeId: 'b',
      message: 'Conv 2D needs an input on port "in", got 0',
    });
  });

  it('extra input: an edge into the Input node, a second Input node, a bypassed node with two inputs', () => {
    const intoInput = graph(
      [input(8), ['f', 'flatten'], ['d', 'dense']],
      [
        ['in', 'f'],
        ['f', 'd'],
        ['d', 'in'],
      ],
    );
    expect(errors(analyzeGraph(intoInput))).toContainEqual({
      severity: 'error',
      code: 'extra-input',
      edgeId: 'e3',
      nodeId: 'in',
      message: 'Input takes no inputs, but edge e3 goes into it',
    });

    const twoInputs = graph(
      [
        input(8),
        ['in2', 'input', { height: 8, width: 8, channels: 1 }],
        ['sum', 'add'],
        ['f', 'flatten'],
        ['d', 'dense'],
      ],
      [
        ['in', 'sum'],
        ['in2', 'sum'],
        ['sum', 'f'],
        ['f', 'd'],
      ],
    );
    expect(onlyError(analyzeGraph(twoInputs), 'extra-input')).toMatchObject({ nodeId: 'in2' });
    const apart = graph(
      [input(8), ['f', 'flatten'], ['d', 'dense'], ['in2', 'input'], ['f2', 'flatten']],
      [
        ['in', 'f'],
        ['f', 'd'],
        ['in2', 'f2'],
      ],
    );
    expect(errors(analyzeGraph(apart)).map((issue) => [issue.code, issue.nodeId])).toEqual([
      ['extra-input', 'in2'],
      ['disconnected', 'f2'],
    ]);

    const bypassed = graph(
      [input(8), conv('a', 4, 3), ['sum', 'add', {}, { bypassed: true }], ['f', 'flatten'], ['d', 'dense']],
      [
        ['in', 'a'],
        ['in', 'sum'],
        ['a', 'sum'],
        ['sum', 'f'],
        ['f', 'd'],
      ],
    );
    const issue = onlyError(analyzeGraph(bypassed), 'extra-input');
    expect(issue).toMatchObject({ nodeId: 'sum', edgeId: 'e3' });
    expect(issue.message).toMatch(/^a bypassed node passes one input through, but 2 edges go into it/);
  });

  it('several edges into a single-input port', () => {
    const doc = graph(
      [input(8), conv('a', 4, 3), conv('b', 4, 3), conv('c', 4, 1)],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'c'],
        ['b', 'c'],
      ],
    );
    const issue = onlyError(analyzeGraph(doc), 'multiple-inputs');
    expect(issue).toMatchObject({ nodeId: 'c', edgeId: 'e4' });
    expect(issue.message).toBe(
      'Conv 2D takes one input on port "in", but 2 edges go into it (e3, e4); merge them with Add or Concat first',
    );
  });

  it('cycle: once, naming every node on it, and no order', () => {
    const doc = graph(
      [input(8), ['sum', 'add'], conv('c', 1, 1), ['f', 'flatten'], ['d', 'dense']],
      [
        ['in', 'sum'],
        ['sum', 'c'],
        ['c', 'sum'],
        ['c', 'f'],
        ['f', 'd'],
      ],
    );
    const analysis = analyzeGraph(doc);
    expect(errors(analysis).map((issue) => [issue.code, issue.nodeId, issue.nodeIds])).toEqual([
      ['cycle', 'sum', ['sum', 'c']],
    ]);
    expect(errors(analysis)[0].message).toBe(
      'is part of a cycle (sum → c → sum); data must flow one way from input to output',
    );
    expect(analysis.order).toEqual([]);
    expect(analysis.nodes.in.outputShape).toEqual([8, 8, 1]);
    expect(analysis.nodes.d.outputShape).toBeNull();
  });

  it('no input node', () => {
    const analysis = analyzeGraph(chain(conv('c', 4, 3), ['f', 'flatten'], ['d', 'dense']));
    expect(onlyError(analysis, 'no-input').message).toBe(
      'the graph has no Input node: add one and wire it to the first layer',
    );
    expect(onlyError(analyzeGraph(graph([], [])), 'no-input').message).toBe(
      'the graph is empty: add an Input node',
    );
  });

  it('no output: nothing after the input', () => {
    expect(onlyError(analyzeGraph(chain(input(8))), 'no-output')).toMatchObject({ nodeId: 'in' });
  });

  it('several outputs: a branch that ends nowhere', () => {
    const doc = graph(
      [input(8), conv('c', 4, 3), ['p', 'maxPool2d'], ['f', 'flatten'], ['d', 'dense']],
      [
        ['in', 'c'],
        ['c', 'p'],
        ['c', 'f'],
        ['f', 'd'],
      ],
    );
    const analysis = analyzeGraph(doc);
    const issue = onlyError(analysis, 'several-outputs');
    expect(issue).toMatchObject({
      nodeId: 'd',
      message:
        'the graph ends in 2 places (p, d); a model has one output: connect this branch onward or delete it',
    });
    expect(analysis.outputNodeId).toBeNull();
    expect(analysis.nodes.d.outputShape).toEqual([10]);
  });

  it('disconnected nodes (and nothing else about them)', () => {
    const doc = graph(
      [input(8), ['f', 'flatten'], ['d', 'dense'], conv('lost', 4, 3), ['lost2', 'dense']],
      [
        ['in', 'f'],
        ['f', 'd'],
        ['lost', 'lost2'],
      ],
    );
    const analysis = analyzeGraph(doc);
    expect(errors(analysis).map((issue) => [issue.code, issue.nodeId])).toEqual([
      ['disconnected', 'lost'],
      ['disconnected', 'lost2'],
    ]);
    expect(errors(analysis)[0].message).toBe('is not connected to the input "in": wire it in or delete it');
    expect(analysis.outputNodeId).toBe('d');
  });

  it('incompatible shapes: Add of 24×24×64 and 12×12×128', () => {
    const doc = graph(
      [
        input(24),
        conv('a', 64, 3, { padding: 1 }),
        conv('b', 128, 3, { padding: 1, strides: 2 }),
        ['sum', 'add'],
        ['f', 'flatten'],
        ['d', 'dense'],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'sum'],
        ['b', 'sum'],
        ['sum', 'f'],
        ['f', 'd'],
      ],
    );
    const analysis = analyzeGraph(doc);
    const issue = onlyError(analysis, 'shape-mismatch');
    expect(issue.nodeId).toBe('sum');
    expect(issue.message).toContain('24, 24, 64');
    expect(issue.message).toContain('12, 12, 128');
    expect(analysis.nodes.sum.inputShapes).toEqual([
      [24, 24, 64],
      [12, 12, 128],
    ]);
    expect(analysis.nodes.sum.outputShape).toBeNull();
    expect(analysis.nodes.d.outputShape).toBeNull();
  });

  it('Dense after an image: says to add a Flatten', () => {
    const issue = onlyError(analyzeGraph(chain(input(8), conv('c', 4, 3), ['d', 'dense'])), 'needs-flatten');
    expect(issue.nodeId).toBe('d');
    expect(issue.message).toContain('Flatten');
  });

  it('spatial size shrinking to zero or less', () => {
    const analysis = analyzeGraph(chain(input(4), conv('c', 4, 5), ['f', 'flatten'], ['d', 'dense']));
    expect(onlyError(analysis, 'spatial-too-small').nodeId).toBe('c');
    expect(analysis.nodes.f.outputShape).toBeNull();
  });

  it('spatial size ≤ 0 from a node type that does not check it itself', () => {
    const crop = {
      ...getNodeType('flatten')!,
      type: 'crop',
      label: 'Crop',
      inferShape: (_p: unknown, [shape]: readonly Shape[]) => [shape[0] - 10, shape[1] - 10, shape[2]],
    };
    const types = [...nodeTypes, crop as unknown as NodeTypeDefinition];
    const analysis = analyzeGraph(chain(input(8), ['c', 'crop'], ['f', 'flatten'], ['d', 'dense']), {
      types,
    });
    const issue = onlyError(analysis, 'spatial-too-small');
    expect(issue).toMatchObject({
      nodeId: 'c',
      message:
        'Crop would output -2×-2×1 from 8×8×1: the image is too small for this layer; use a larger input, or a smaller kernel or stride',
    });
    expect(analysis.nodes.c.outputShape).toBeNull();
  });

  it('reports every problem at once', () => {
    const doc = graph(
      [input(8), conv('c', 0, 3), ['x', 'mystery'], ['p', 'maxPool2d'], ['lost', 'flatten']],
      [
        ['in', 'c'],
        ['c', 'x'],
        ['x', 'p'],
        ['p', 'ghost'],
      ],
    );
    expect(codes(analyzeGraph(doc)).sort()).toEqual([
      'bad-param',
      'dangling-edge',
      'disconnected',
      'unknown-type',
    ]);
  });
});
