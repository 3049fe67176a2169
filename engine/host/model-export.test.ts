import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { analyzeGraph } from '../graph/analyze';
import { DEFAULT_TRAINING, GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../graph/document';
import { defaultParams } from '../nodes/params';
import { getPreset } from '../presets/index';
import type { ExportedFile } from '../protocol/api';
import { writeModelFiles } from '../train/model-files';
import { PYTHON, requireTorch } from '../export/test-support/python';
import { exportModel, importModel, torchWeightFiles } from './model-export';
import { userBlockGraph } from '../export/test-support/user-block-graph';
import { LAYERS_PER_PART } from '../compile/compile';
import { activationChain } from '../graph/test-graphs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A small branchy net using every block with weights, with numeric max-pool padding and a Flatten of a 4×4 map. */
function branchyGraph(): GraphDocument {
  const chain: Array<[string, string, Record<string, unknown>]> = [
    ['in', 'input', { height: 16, width: 16, channels: 3 }],
    ['stem', 'conv2d', { filters: 8, kernelSize: 3, padding: 1, activation: 'relu' }],
    ['pool', 'maxPool2d', { poolSize: 3, strides: 1, padding: 1 }],
    ['res', 'residual', { filters: 12, use1x1: true, strides: 2 }],
    ['inc', 'inception', { c1: 4, c2: [4, 6], c3: [2, 4], c4: 2 }],
    ['dense', 'denseBlock', { numConvs: 2, growthRate: 4 }],
    ['trans', 'transition', { filters: 6 }],
    ['nin', 'ninBlock', { filters: 5, kernelSize: 3, strides: 1, padding: 1 }],
    ['vgg', 'vggBlock', { numConvs: 1, filters: 4 }],
    ['flat', 'flatten', {}],
    ['bn', 'batchNorm', { momentum: 0.9, epsilon: 1e-5 }],
    ['fc', 'dense', { units: 7, activation: 'none' }],
  ];
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'branchy',
    nodes: chain.map(([id, type, params], i) => ({
      id,
      type,
      params: { ...defaultParams(type), ...params },
      position: { x: 0, y: i * 80 },
    })) as GraphDocument['nodes'],
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
  };
}

function writeFiles(files: ExportedFile[], dir = mkdtempSync(join(tmpdir(), 'cnn-export-'))): string {
  for (const file of files)
    writeFileSync(
      join(dir, file.path),
      file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content,
    );
  return dir;
}

/** A model with random weights everywhere, batch-norm statistics included, saved as a run would. */
async function trainedModelDir(graph: GraphDocument): Promise<{ dir: string; model: tf.LayersModel }> {
  const model = compileGraph(tf, graph);
  model.setWeights(
    model.weights.map((w) =>
      w.name.includes('moving_variance')
        ? tf.randomUniform(w.shape as number[], 0.5, 1.5)
        : tf.randomNormal(w.shape as number[], 0, 0.3),
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'cnn-run-model-'));
  await writeModelFiles(tf, model, dir);
  return { dir, model };
}

describe('trained weights exported to PyTorch', () => {
  // A missing torch fails with the reason: a skip would look green while checking nothing.
  beforeAll(requireTorch);
  for (const [name, graph] of [
    ['lenet', () => getPreset('lenet')],
    ['bn-lenet', () => getPreset('bn-lenet')],
    ['a net with every block', branchyGraph],
    ['a net with blocks of your own', userBlockGraph],
  ] as const) {
    it(`${name}: PyTorch predicts what the app predicts`, async () => {
      const doc = graph();
      const { dir: modelDir, model } = await trainedModelDir(doc);
      const [h, w, c] = analyzeGraph(doc).inputShape!;
      const x = tf.randomUniform([3, h, w, c]);
      const expected = (model.predict(x) as tf.Tensor).arraySync() as number[][];
      const inputs = tf.transpose(x, [0, 3, 1, 2]).arraySync() as number[][][][];
      model.dispose();

      const out = writeFiles(await exportModel(doc, 'pytorch', { modelDir, tf }));
      writeFileSync(join(out, 'inputs.json'), JSON.stringify(inputs));
      const script = `
import json, torch
from model import build_model
model = build_model('.').eval()
with torch.no_grad():
    print(json.dumps(model(torch.tensor(json.load(open('inputs.json')))).tolist()))`;
      const actual = JSON.parse(
        execFileSync(PYTHON, ['-c', script], { cwd: out, encoding: 'utf8' }),
      ) as number[][];
      expect(actual.length).toBe(3);
      for (let i = 0; i < 3; i++)
        for (let k = 0; k < expected[i].length; k++) expect(actual[i][k]).toBeCloseTo(expected[i][k], 3);
    }, 120_000);
  }
});

describe('PyTorch weights of a graph deeper than one part', () => {
  it('finds the layers inside the nested part models (model.layers lists only the parts)', async () => {
    // Its Dense comes after LAYERS_PER_PART activations: inside the second part.
    const doc = activationChain(LAYERS_PER_PART + 20);
    const files = await torchWeightFiles(doc, { modelDir: null, tf });
    const manifest = JSON.parse(files.find((file) => file.path === 'weights.json')!.content) as {
      tensors: Array<{ key: string; shape: number[] }>;
    };
    expect(manifest.tensors.map(({ shape }) => shape)).toEqual([[2, 4], [2]]);
  }, 60_000);
});

const modelJsonFile = (text: string) => ({ name: 'model.json', bytes: new TextEncoder().encode(text) });

describe('TensorFlow.js export and import', () => {
  it('writes model.json and weights.bin, and re-imports the very same graph', async () => {
    const doc = getPreset('resnet18');
    const files = await exportModel(doc, 'tfjs', { modelDir: null, tf });
    expect(files.map((f) => f.path)).toEqual(['model.json', 'weights.bin']);
    const trainable = analyzeGraph(doc).totals.trainable;
    const nonTrainable = analyzeGraph(doc).totals.nonTrainable;
    expect(Buffer.from(files[1].content, 'base64').byteLength).toBe(4 * (trainable + nonTrainable));
    const imported = await importModel([modelJsonFile(files[0].content)], {}, tmpdir(), tf);
    expect(imported.document).toEqual(doc);
  }, 60_000);

  it('without CNN Studio metadata, the layer topology alone gives back the same network', async () => {
    const doc = getPreset('lenet');
    const [modelJson] = await exportModel(doc, 'tfjs', { modelDir: null, tf });
    const bare = JSON.parse(modelJson.content);
    delete bare.userDefinedMetadata;
    const imported = await importModel([modelJsonFile(JSON.stringify(bare))], {}, tmpdir(), tf);
    expect(imported.unmapped).toEqual([]);
    const document = imported.document!;
    const before = analyzeGraph(doc);
    const after = analyzeGraph(document);
    expect(after.valid).toBe(true);
    expect(after.totals).toEqual(before.totals);
    expect(document.nodes.map((n) => n.type)).toEqual(
      before.order.map((id) => doc.nodes.find((n) => n.id === id)!.type),
    );
    const conv = document.nodes.find((n) => n.type === 'conv2d')!;
    expect(conv.params).toMatchObject({ filters: 6, kernelSize: 5, padding: 2, activation: 'sigmoid' });
  }, 60_000);
});
