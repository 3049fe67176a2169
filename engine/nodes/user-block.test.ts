/**
 * Blocks a person makes: a definition becomes a node type through the built-in blocks'
 * mechanism, so shapes, counts, compile and export follow from its inner layers; instances
 * share the definition, a repeat chains copies, and a changed definition changes them all.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { exportCode } from '../export/index';
import { analyzeGraph } from '../graph/analyze';
import { GRAPH_VERSION, type GraphDocument } from '../graph/document';
import { loadGraphDocument } from '../graph/load';
import { serializeGraphDocument } from '../graph/serialize';
import { runPythonJson } from '../export/test-support/python';
import { buildInTorch, chainGraph, type ChainLayer } from './test-support/export-check';
import type { UserBlockDefinition } from './user-block';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Conv → batch norm → ReLU, with the conv's filters exposed (8 by default, at most 64). */
function convBnRelu(type = 'user.convBnRelu', filters = 8): UserBlockDefinition {
  return {
    type,
    label: 'Conv BN ReLU',
    exampleInput: [12, 12, 3],
    nodes: [
      {
        id: 'conv',
        type: 'conv2d',
        params: { filters, kernelSize: 3, padding: 1, activation: 'none', useBias: false },
      },
      { id: 'bn', type: 'batchNorm', params: {} },
      { id: 'relu', type: 'activation', params: { fn: 'relu' } },
    ],
    edges: [
      { source: '$in', target: 'conv' },
      { source: 'conv', target: 'bn' },
      { source: 'bn', target: 'relu' },
    ],
    output: 'relu',
    params: [
      {
        name: 'filters',
        label: 'Filters',
        default: filters,
        min: 1,
        max: 64,
        targets: [{ node: 'conv', param: 'filters' }],
      },
    ],
  };
}

const head: ChainLayer[] = [
  ['pool', 'globalAvgPool2d', {}],
  ['flat', 'flatten', {}],
  ['logits', 'dense', { units: 10 }],
];

/** Parameters and multiply-adds (activation bytes count each node's output, a block's as one). */
const counts = (doc: GraphDocument) => {
  const { trainable, nonTrainable, macs } = analyzeGraph(doc).totals;
  return { trainable, nonTrainable, macs };
};

function withBlocks(doc: GraphDocument, blocks: UserBlockDefinition[]): GraphDocument {
  return { ...doc, blocks };
}

/** The same network with the block's layers written out, for comparing totals. */
const flat = (filters: number[]) =>
  chainGraph(
    'flat',
    [12, 12, 3],
    [
      ...filters.flatMap((f, i): ChainLayer[] => [
        [`c${i}`, 'conv2d', { filters: f, kernelSize: 3, padding: 1, activation: 'none', useBias: false }],
        [`b${i}`, 'batchNorm', {}],
        [`r${i}`, 'activation', { fn: 'relu' }],
      ]),
      ...head,
    ],
  );

function twoInstances(definition = convBnRelu()): GraphDocument {
  return withBlocks(
    chainGraph(
      'two instances',
      [12, 12, 3],
      [['a', definition.type, {}], ['b', definition.type, { filters: 16 }], ...head],
    ),
    [definition],
  );
}

describe('a block of your own', () => {
  it('gives two instances the totals of their layers written out', () => {
    const analysis = analyzeGraph(twoInstances());
    expect(analysis.valid).toBe(true);
    expect(counts(twoInstances())).toEqual(counts(flat([8, 16])));
    expect(analysis.nodes.b.outputShape).toEqual([12, 12, 16]);
  });

  it('repeats its layers as a stage, and names the copy whose shape fails', () => {
    const doc = withBlocks(
      chainGraph('stage', [12, 12, 3], [['stage', 'user.convBnRelu', { repeat: 3 }], ...head]),
      [convBnRelu()],
    );
    expect(counts(doc)).toEqual(counts(flat([8, 8, 8])));

    const halving: UserBlockDefinition = {
      type: 'user.halve',
      label: 'Halve',
      exampleInput: [12, 12, 3],
      nodes: [{ id: 'pool', type: 'maxPool2d', params: { poolSize: 2 } }],
      edges: [{ source: '$in', target: 'pool' }],
      output: 'pool',
      params: [],
    };
    const tooMany = withBlocks(
      chainGraph('too many', [12, 12, 3], [['halve', 'user.halve', { repeat: 4 }], ...head]),
      [halving],
    );
    const issue = analyzeGraph(tooMany).issues.find((i) => i.nodeId === 'halve');
    expect(issue?.message).toContain('inner layer "r4_pool"');
  });

  it('makes a ResNet stage: N residual blocks as one node with a repeat count', () => {
    const stage: UserBlockDefinition = {
      type: 'user.stage',
      label: 'Stage',
      exampleInput: [12, 12, 8],
      nodes: [{ id: 'block', type: 'residual', params: { filters: 8 } }],
      edges: [{ source: '$in', target: 'block' }],
      output: 'block',
      params: [
        { name: 'filters', label: 'Filters', default: 8, targets: [{ node: 'block', param: 'filters' }] },
      ],
    };
    const stem: ChainLayer = ['stem', 'conv2d', { filters: 8, kernelSize: 3, padding: 1 }];
    const asStage = withBlocks(
      chainGraph('stage', [12, 12, 3], [stem, ['stage', 'user.stage', { repeat: 3 }], ...head]),
      [stage],
    );
    const written = chainGraph(
      'written out',
      [12, 12, 3],
      [stem, ...[1, 2, 3].map((k): ChainLayer => [`res${k}`, 'residual', { filters: 8 }]), ...head],
    );
    expect(analyzeGraph(asStage).valid).toBe(true);
    expect(counts(asStage)).toEqual(counts(written));
  });

  it('checks exposed params against the bounds the person set', () => {
    const doc = twoInstances();
    doc.nodes.find((n) => n.id === 'b')!.params = { filters: 65 };
    const issue = analyzeGraph(doc).issues.find((i) => i.nodeId === 'b');
    expect(issue).toMatchObject({ code: 'bad-param', param: 'filters' });
  });

  it('updates every instance when its definition changes', () => {
    const before = analyzeGraph(twoInstances());
    const edited = convBnRelu();
    edited.nodes[0].params = { ...edited.nodes[0].params, useBias: true };
    const after = analyzeGraph(twoInstances(edited));
    // One bias per filter: 8 for the first instance, 16 for the second.
    expect(after.totals.trainable - before.totals.trainable).toBe(8 + 16);
    // …and the document that had the old definition still reads the old one.
    expect(analyzeGraph(twoInstances()).totals).toEqual(before.totals);
  });

  it('travels in the document: saved, read back, and version-1 files upgrade', () => {
    const doc = twoInstances();
    const text = serializeGraphDocument(doc);
    const read = loadGraphDocument(text);
    expect(read.version).toBe(GRAPH_VERSION);
    expect(read.blocks).toEqual(doc.blocks);
    expect(serializeGraphDocument(read)).toBe(text);

    const old = { ...JSON.parse(text), version: 1, blocks: undefined };
    expect(loadGraphDocument(old).blocks).toBeUndefined();
  });

  it('reports a broken definition at its instances, naming the problem', () => {
    const broken = { ...convBnRelu('user.broken'), output: 'nowhere' };
    const analysis = analyzeGraph(twoInstances(broken));
    expect(analysis.valid).toBe(false);
    expect(analysis.issues.find((i) => i.nodeId === 'a')?.message).toContain(
      'block "Conv BN ReLU": the output "nowhere" is not a layer of the block',
    );
  });

  it('compiles to tfjs with the analysis counts', () => {
    const doc = twoInstances();
    const model = compileGraph(tf, doc);
    const analysis = analyzeGraph(doc);
    expect(model.countParams()).toBe(analysis.totals.trainable + analysis.totals.nonTrainable);
    model.dispose();
  });

  it('exports one PyTorch class and one Keras function that both instances use', () => {
    const doc = withBlocks(
      chainGraph(
        'export',
        [12, 12, 3],
        [['a', 'user.convBnRelu', {}], ['b', 'user.convBnRelu', { filters: 16, repeat: 2 }], ...head],
      ),
      [convBnRelu()],
    );
    const [model] = exportCode(doc, 'pytorch');
    expect(model.content.match(/class UserConvBnRelu\(nn\.Module\)/g)).toHaveLength(1);
    expect(model.content.match(/UserConvBnRelu\(conv=/g)).toHaveLength(3);
    const [keras] = exportCode(doc, 'keras');
    expect(keras.content.match(/def user_convBnRelu\(x, name, filters=8, repeat=1\)/g)).toHaveLength(1);
    expect(keras.content).toContain('b = user_convBnRelu(a, "b", filters=16, repeat=2)');
    // Inner values never take a helper's name (`conv = conv(…)` would not run).
    expect(keras.content).toContain('v_conv = conv(x, filters, 3, 1, 1, activation=None');
    expect(keras.content).toContain("name=f'{prefix}_conv'");

    // The function runs (Python, with Keras's calls recorded), naming each copy's layers.
    const start = keras.content.indexOf('def user_convBnRelu');
    const source = keras.content.slice(start, keras.content.indexOf('\n\n\n', start));
    const names = runPythonJson<string[]>(
      `
import json, sys
names = []
def record(*args, name=None, **kwargs):
    names.append(name)
    return args[0] if args and isinstance(args[0], str) else (lambda t: t)
class Layers:
    def __getattr__(self, _):
        return record
layers = Layers()
conv = batch_norm = record
exec(json.load(sys.stdin))
user_convBnRelu('x', 'b', filters=16, repeat=2)
print(json.dumps([n for n in names if n]))`,
      source,
    );
    expect(names).toEqual(['b_r1_conv', 'b_r1_bn', 'b_r2_conv', 'b_r2_bn']);

    const [build] = buildInTorch([doc]);
    expect(build.torch).toEqual(build.engine);
  });
});
