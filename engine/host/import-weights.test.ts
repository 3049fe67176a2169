/**
 * Importing weights: a graph compiled and saved by the engine (tfjs files) comes back with
 * its weights and predicts the same; a Keras .h5 file's weights land on the right nodes;
 * files that do not fit are refused naming the weight.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { layersByNode, WeightMismatchError } from '../export/imported-weights';
import { ModelImportError } from '../export/import-keras';
import { chainGraph } from '../train/test-support';
import { MODEL_FILE, readModelWeights, WEIGHTS_FILE, writeModelFiles } from '../train/model-files';
import { importModelFiles, saveImportedWeights, type ModelFile } from './import-model';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-import-weights-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixture = (name: string) => join(__dirname, '../export/fixtures', name);
const file = async (path: string, name = path.split('/').pop()!): Promise<ModelFile> => ({
  name,
  bytes: new Uint8Array(await readFile(path)),
});

/** A small CNN with every kind of weight: conv kernel + bias, batch norm's four, dense. */
const smallCnn = chainGraph('small', [
  { id: 'image', type: 'input', params: { height: 12, width: 12, channels: 3 } },
  { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' } },
  { id: 'bn', type: 'batchNorm', params: {} },
  { id: 'pool', type: 'maxPool2d', params: { poolSize: 2 } },
  { id: 'flat', type: 'flatten', params: {} },
  { id: 'out', type: 'dense', params: { units: 5 } },
]);

/** Random but fixed weights (batch norm's moving statistics too, so they are checked). */
function randomize(model: tf.LayersModel): void {
  model.setWeights(
    model.weights.map((w, i) => tf.randomUniform([...w.shape] as number[], 0.2, 1.2, 'float32', 17 + i)),
  );
}

async function predict(model: tf.LayersModel, input: tf.Tensor): Promise<Float32Array> {
  const output = model.predict(input) as tf.Tensor;
  const values = (await output.data()) as Float32Array;
  output.dispose();
  return values;
}

describe('importing a model with its weights', () => {
  it('reads the shards beside model.json back onto the graph: the same predictions', async () => {
    const original = compileGraph(tf, smallCnn);
    randomize(original);
    await writeModelFiles(tf, original, dir);
    const input = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 3);
    const expected = await predict(original, input);
    original.dispose();

    const imported = importModelFiles(tf, [
      await file(join(dir, MODEL_FILE)),
      await file(join(dir, WEIGHTS_FILE)),
    ]);
    expect(imported.problems).toEqual([]);
    expect(imported.weightsSource).toBe(WEIGHTS_FILE);
    const saved = join(dir, 'imported');
    await saveImportedWeights(tf, imported.document!, imported.weights!, saved);

    const reloaded = compileGraph(tf, imported.document!);
    await readModelWeights(tf, reloaded, saved);
    const actual = await predict(reloaded, input);
    reloaded.dispose();
    input.dispose();
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it('imports model.json alone as a topology with no weights', async () => {
    const original = compileGraph(tf, smallCnn);
    await writeModelFiles(tf, original, dir);
    original.dispose();
    const imported = importModelFiles(tf, [await file(join(dir, MODEL_FILE))]);
    expect(imported.problems).toEqual([]);
    expect(imported.weights).toBeNull();
  });

  it('refuses a shard set with a file missing, naming it', async () => {
    const json = JSON.parse(
      new TextDecoder().decode((await file(fixture('tfjs-4.22-keras-3.8-digits.json'))).bytes),
    ) as { weightsManifest: Array<{ paths: string[] }> };
    const [first, second] = json.weightsManifest[0].paths;
    const files = [
      { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) },
      { name: first, bytes: new Uint8Array(16) },
    ];
    expect(() => importModelFiles(tf, files)).toThrow(ModelImportError);
    expect(() => importModelFiles(tf, files)).toThrow(`missing: ${second}`);
  });

  it('refuses weights that do not fit the topology, naming the weight and both shapes', async () => {
    const original = compileGraph(tf, smallCnn);
    await writeModelFiles(tf, original, dir);
    original.dispose();
    const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as {
      modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    };
    // The file says the dense layer has 6 units; its weights are for 5.
    const dense = modelJson.modelTopology.config.layers.find((layer) => layer.class_name === 'Dense')!;
    dense.config.units = 6;
    const imported = importModelFiles(tf, [
      { name: MODEL_FILE, bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
      await file(join(dir, WEIGHTS_FILE)),
    ]);
    const attempt = saveImportedWeights(tf, imported.document!, imported.weights!, join(dir, 'x'));
    await expect(attempt).rejects.toThrow(WeightMismatchError);
    await expect(
      saveImportedWeights(tf, imported.document!, imported.weights!, join(dir, 'x')),
    ).rejects.toThrow(
      /weight out_dense\/kernel \(layer out_dense\): expected shape \[\d+, 6\], the file has \[\d+, 5\]/,
    );
  });
});

describe('importing a Keras .h5 file', () => {
  it('reads the topology and the weights, each on its node, in Keras order', async () => {
    const imported = importModelFiles(tf, [await file(fixture('tiny-keras.h5'))]);
    expect(imported.problems).toEqual([]);
    expect(imported.weightsSource).toBe('tiny-keras.h5');
    const conv = imported.weights!.get('conv1')!;
    expect(conv.map((t) => t.shape)).toEqual([[3, 3, 1, 2], [2]]);
    // make-tiny-h5.py: arange * 0.01 - 0.1, so kernel[0, 0, 0, 1] = 0.01 - 0.1.
    expect(conv[0].values[1]).toBeCloseTo(-0.09, 6);
    expect(imported.weights!.get('bn1')!.map((t) => Array.from(t.values))).toEqual([
      [1, 0.5],
      [0.1, -0.2].map(Math.fround),
      [0.01, 0.02].map(Math.fround),
      [1.5, 0.75],
    ]);
    await saveImportedWeights(tf, imported.document!, imported.weights!, join(dir, 'h5'));
    const model = compileGraph(tf, imported.document!);
    await readModelWeights(tf, model, join(dir, 'h5'));
    const bnLayer = model.layers.find((layer) => layer.name.startsWith('bn1'))!;
    expect(Array.from(bnLayer.getWeights()[3].dataSync())).toEqual([1.5, 0.75]);
    model.dispose();
  });

  it('says when bytes are not an HDF5 file', () => {
    expect(() => importModelFiles(tf, [{ name: 'model.h5', bytes: new Uint8Array(64) }])).toThrow(
      /model\.h5 is not an HDF5 file/,
    );
  });
});

describe('channels_first weights', () => {
  it("reorders a Dense kernel after Flatten so the model computes Keras's answer on the same image", async () => {
    const [c, h, w, units] = [2, 3, 4, 2];
    const model = {
      class_name: 'Sequential',
      config: {
        name: 'cf',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, c, h, w] } },
          { class_name: 'Flatten', config: { name: 'f', data_format: 'channels_first' } },
          { class_name: 'Dense', config: { name: 'd', units, activation: 'linear' } },
        ],
      },
    };
    const features = c * h * w;
    const kernel = Float32Array.from({ length: features * units }, (_, i) => Math.sin(i + 1));
    const bias = Float32Array.from([0.5, -0.25]);
    const shards = new Uint8Array(new Float32Array([...kernel, ...bias]).buffer);
    const modelJson = {
      modelTopology: model,
      weightsManifest: [
        {
          paths: ['w.bin'],
          weights: [
            { name: 'd/kernel', shape: [features, units], dtype: 'float32' },
            { name: 'd/bias', shape: [units], dtype: 'float32' },
          ],
        },
      ],
    };
    const imported = importModelFiles(tf, [
      { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
      { name: 'w.bin', bytes: shards },
    ]);
    expect(imported.problems).toEqual([]);
    await saveImportedWeights(tf, imported.document!, imported.weights!, join(dir, 'cf'));
    const ours = compileGraph(tf, imported.document!);
    await readModelWeights(tf, ours, join(dir, 'cf'));

    // Keras: the C×H×W image flattened in that order, times the kernel.
    const image = Float32Array.from({ length: features }, (_, i) => Math.cos(i * 0.7));
    const keras = [0, 1].map((o) => image.reduce((sum, x, i) => sum + x * kernel[i * units + o], bias[o]));
    // CNN Studio: the same image as H×W×C.
    const hwc = new Float32Array(features);
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) hwc[(y * w + x) * c + ch] = image[(ch * h + y) * w + x];
    const input = tf.tensor4d(hwc, [1, h, w, c]);
    const actual = await predict(ours, input);
    input.dispose();
    ours.dispose();
    expect(Array.from(actual)).toEqual(keras.map((v) => expect.closeTo(v, 5)));
  });
});

describe('a model.json CNN Studio exported (its graph in the metadata)', () => {
  it('takes its weights too, by the compiled layer names', async () => {
    const { exportModel } = await import('./model-export');
    const original = compileGraph(tf, smallCnn);
    randomize(original);
    await writeModelFiles(tf, original, dir);
    original.dispose();
    const files = await exportModel(smallCnn, 'tfjs', { modelDir: dir, tf });
    const imported = importModelFiles(
      tf,
      files.map((f) => ({
        name: f.path,
        bytes: new Uint8Array(Buffer.from(f.content, f.encoding === 'base64' ? 'base64' : 'utf8')),
      })),
    );
    expect(imported.document!.nodes.map((node) => node.id)).toEqual(smallCnn.nodes.map((node) => node.id));
    await saveImportedWeights(tf, imported.document!, imported.weights!, join(dir, 'again'));
    const saved = await readFile(join(dir, 'again', WEIGHTS_FILE));
    expect(saved.equals(await readFile(join(dir, WEIGHTS_FILE)))).toBe(true);
  });
});

describe('folding an imported model with its weights', () => {
  it('MobileNet v1 (the real Keras file) folds into blocks and predicts as the flat model did', async () => {
    const keras = JSON.parse(await readFile(fixture('keras-2.2-mobilenet-v1.json'), 'utf8'));
    // 32×32 instead of 224×224 keeps the test quick; every weight keeps its shape.
    keras.config.layers[0].config.batch_input_shape = [null, 32, 32, 3];
    const text = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));
    const flat = importModelFiles(tf, [{ name: 'model.json', bytes: text(keras) }], {
      fold: false,
    }).document!;

    // Random weights on the flat graph, written as the file's own manifest (Keras layer names).
    const layerOwners = new Map<string, string>();
    const model = compileGraph(tf, flat, { layerOwners });
    // Kernels of both signs (so relu6 does not saturate everything); scales and variances positive.
    model.setWeights(
      model.weights.map((w, i) =>
        w.shape.length === 1
          ? tf.randomUniform([...w.shape] as number[], 0.5, 1.5, 'float32', i)
          : tf.randomUniform([...w.shape] as number[], -0.05, 0.05, 'float32', i),
      ),
    );
    const specs: Array<{ name: string; shape: number[]; dtype: string }> = [];
    const chunks: Float32Array[] = [];
    for (const [nodeId, layers] of layersByNode(model, layerOwners))
      for (const layer of layers)
        // layersByNode hands back the model's own tfjs layers.
        for (const [i, value] of (layer as unknown as tf.layers.Layer).getWeights().entries()) {
          specs.push({ name: `${nodeId}/w${i}`, shape: value.shape, dtype: 'float32' });
          chunks.push(value.dataSync() as Float32Array);
        }
    const bin = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, chunk) => (bin.set(chunk, at), at + chunk.length), 0);
    const input = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 5);
    const expected = await predict(model, input);
    model.dispose();

    const imported = importModelFiles(tf, [
      {
        name: 'model.json',
        bytes: text({ ...keras, weightsManifest: [{ paths: ['w.bin'], weights: specs }] }),
      },
      { name: 'w.bin', bytes: new Uint8Array(bin.buffer) },
    ]);
    expect(imported.problems).toEqual([]);
    const types = imported.document!.nodes.map((node) => node.type);
    expect(types.filter((type) => type === 'depthwiseSeparable').length).toBeGreaterThan(0);
    expect(types.length).toBeLessThan(flat.nodes.length);
    await saveImportedWeights(tf, imported.document!, imported.weights!, join(dir, 'folded'));
    const folded = compileGraph(tf, imported.document!);
    await readModelWeights(tf, folded, join(dir, 'folded'));
    const actual = await predict(folded, input);
    folded.dispose();
    input.dispose();
    expect(new Set(Array.from(expected).map((v) => v.toPrecision(4))).size).toBeGreaterThan(100);
    expect(Array.from(actual)).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
  }, 60_000);
});
