/**
 * A node type defined here, in the test alone, exports to PyTorch and Keras and imports back
 * from a layers model.json: the exporters and the importer learn a type from its definition
 * and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument } from '../graph/document';
import { UnmappableLayerError } from '../nodes/interchange';
import { nodeTypes, registerNodeType } from '../nodes/registry';
import { singleInput } from '../nodes/shape-utils';
import type { NodeTypeDefinition } from '../nodes/types';
import { chainGraph } from '../nodes/test-support/export-check';
import { importLayersModel } from './import-keras';
import { exportCode } from './index';
import { requireTorch, runPythonJson, writeFiles } from './test-support/python';

/** Clips every value to [−limit, limit]: PyTorch's Hardtanh, a Lambda in Keras. */
const clip = {
  type: 'clip',
  label: 'Clip',
  category: 'Activation',
  doc: 'Clips every value to [−limit, limit].',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [{ kind: 'float', name: 'limit', label: 'Limit', default: 1, min: 0, exclusiveMin: true }],
  summarize: (p: { limit: number }) => `±${p.limit}`,
  inferShape: (_p: unknown, inputs: readonly number[][]) => singleInput('Clip', inputs),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: () => {
    throw new Error('not compiled in this test');
  },
  export: {
    pytorch: {
      modules: ({ params }: { params: { limit: number } }) => [
        { code: `nn.Hardtanh(${-params.limit}, ${params.limit})` },
      ],
      featureOrder: 'keeps',
    },
    keras: {
      statement: ({
        name,
        inputs,
        params,
      }: {
        name: string;
        inputs: readonly string[];
        params: { limit: number };
      }) =>
        `${name} = layers.Lambda(lambda t: tf.clip_by_value(t, ${-params.limit}, ${params.limit}), name='${name}')(${inputs[0]})`,
    },
  },
  import: {
    kerasClassNames: ['ClipByValue'],
    fromKeras: ({ config }: { config: Record<string, unknown> }) => {
      const limit = Number(config.limit);
      if (!(limit > 0)) throw new UnmappableLayerError(`limit ${String(config.limit)} is not positive`);
      return { params: { limit } };
    },
  },
} as unknown as NodeTypeDefinition;

function graphWithClip(): GraphDocument {
  return chainGraph(
    'clipped',
    [6, 6, 2],
    [
      ['conv', 'conv2d', { filters: 3, kernelSize: 3, padding: 1 }],
      ['limit', 'clip', { limit: 0.5 }],
      ['flat', 'flatten', {}],
      ['logits', 'dense', { units: 4 }],
    ],
  );
}

/** The same network as a tfjs layers model.json (Sequential) with the new layer class in it. */
const layersModel = {
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: 'clipped',
      layers: [
        {
          class_name: 'Conv2D',
          config: {
            name: 'conv',
            batch_input_shape: [null, 6, 6, 2],
            filters: 3,
            kernel_size: [3, 3],
            strides: [1, 1],
            padding: 'same',
            activation: 'relu',
          },
        },
        { class_name: 'ClipByValue', config: { name: 'limit', limit: 0.5 } },
        { class_name: 'ClipByValue', config: { name: 'broken', limit: -1 } },
        { class_name: 'Flatten', config: { name: 'flat' } },
        { class_name: 'Dense', config: { name: 'logits', units: 4, activation: 'linear' } },
      ],
    },
  },
};

let unregister: () => void = () => {};
beforeAll(() => {
  unregister = registerNodeType(clip);
});
afterAll(() => unregister());

describe('a node type registered in a test', () => {
  it('is valid in a graph and exported to PyTorch and Keras through its definition alone', () => {
    const doc = graphWithClip();
    expect(analyzeGraph(doc).valid).toBe(true);
    const [model] = exportCode(doc, 'pytorch');
    expect(model.content).toContain('nn.Hardtanh(-0.5, 0.5)');
    const [keras] = exportCode(doc, 'keras');
    expect(keras.content).toContain(
      "limit = layers.Lambda(lambda t: tf.clip_by_value(t, -0.5, 0.5), name='limit')(conv_)",
    );
  });

  it('builds and runs in PyTorch with the engine summary’s output shape and parameter count', () => {
    requireTorch();
    const doc = graphWithClip();
    const dir = writeFiles(exportCode(doc, 'pytorch'));
    const result = runPythonJson<{ shape: number[]; trainable: number; max: number }>(
      `
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(dir)})
from model import build_model, INPUT_SHAPE
net = build_model().eval()
conv_out = net.net[0](torch.randn(2, *INPUT_SHAPE) * 10)
y = net(torch.randn(2, *INPUT_SHAPE))
print(json.dumps({'shape': list(y.shape), 'trainable': sum(p.numel() for p in net.parameters()),
                  'max': net.net[2](conv_out).abs().max().item()}))`,
      null,
    );
    const analysis = analyzeGraph(doc);
    expect(result).toEqual({ shape: [2, 4], trainable: analysis.totals.trainable, max: 0.5 });
  });

  it('is imported from a layers model.json, and what it refuses is listed', () => {
    const { document, unmapped } = importLayersModel(layersModel);
    expect(document.nodes.map((node) => [node.id, node.type])).toEqual([
      ['conv_input', 'input'],
      ['conv', 'conv2d'],
      ['limit', 'clip'],
      ['flat', 'flatten'],
      ['logits', 'dense'],
    ]);
    expect(document.nodes.find((node) => node.id === 'limit')!.params).toEqual({ limit: 0.5 });
    expect(unmapped).toEqual(['broken (ClipByValue): limit -1 is not positive']);
    // …and goes out again.
    expect(exportCode(document, 'pytorch')[0].content).toContain('nn.Hardtanh(-0.5, 0.5)');
  });

  it('needed no exporter or importer to name a node type', () => {
    const sources = ['plan.ts', 'pytorch-model.ts', 'pytorch-weights.ts', 'keras.ts', 'import-keras.ts'].map(
      (file) => readFileSync(join(import.meta.dirname, file), 'utf8'),
    );
    // The input node is the model's argument, which the plan treats apart from the layers.
    const layerTypes = nodeTypes.map((def) => def.type).filter((type) => type !== 'input');
    for (const source of sources)
      for (const type of layerTypes) expect(source.includes(`'${type}'`), type).toBe(false);
  });
});
