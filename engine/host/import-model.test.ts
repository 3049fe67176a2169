/** The engine host's importModel hands the editor a graph CNN Studio reads, or the problems. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { IMPORTED_WEIGHTS_META_KEY } from '../export/imported-weights';
import { MODEL_FILE, WEIGHTS_FILE, writeModelFiles } from '../train/model-files';
import { chainGraph } from '../train/test-support';
import { IMPORT_REPAIRS_META_KEY } from '../export/import-repair';
import { analyzeGraph } from '../graph/analyze';
import { createEngineHost, type EngineHost } from './engine-host';

let dataDir: string;
let host: EngineHost;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-import-'));
  host = createEngineHost({ dataDir, version: '9.9.9' });
});
afterEach(async () => {
  await host.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const sequential = (...layers: Array<[string, Record<string, unknown>]>) =>
  JSON.stringify({
    modelTopology: {
      class_name: 'Sequential',
      config: { layers: layers.map(([class_name, config]) => ({ class_name, config })) },
    },
  });

describe('EngineApi.importModel', () => {
  it('repairs a layer with no name and says so in the graph', async () => {
    const model = sequential(
      ['InputLayer', { name: 'image', batch_input_shape: [null, 8, 8, 1] }],
      ['Flatten', { name: 'flat' }],
      ['Dense', { name: '', units: 3 }],
    );
    const { document } = await host.api.importModel(model);
    expect(analyzeGraph(document).valid).toBe(true);
    expect(document.meta[IMPORT_REPAIRS_META_KEY]).toEqual(['layer 3 (Dense) had no name: named dense_3']);
  });

  it('refuses a graph that is still invalid with the problems, not a broken graph', async () => {
    const model = sequential(
      ['InputLayer', { name: 'image', batch_input_shape: [null, 8, 8, 1] }],
      ['Flatten', { name: 'flat' }],
      ['Dense', { name: 'out' }],
    );
    await expect(host.api.importModel(model)).rejects.toMatchObject({
      name: 'InvalidImport',
      message: expect.stringContaining('node out: units was missing in the model'),
      data: { problems: [expect.stringContaining('units was missing')] },
    });
  });
});

describe('EngineApi.importModel with weights and choices', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const small = chainGraph('small', [
    { id: 'image', type: 'input', params: { height: 28, width: 28, channels: 1 } },
    { id: 'c', type: 'conv2d', params: { filters: 2, kernelSize: 3, padding: 'same' } },
    { id: 'f', type: 'flatten', params: {} },
    // Ten classes: Try an image names them after the graph's dataset (Fashion-MNIST).
    { id: 'd', type: 'dense', params: { units: 10 } },
  ]);

  /** model.json text and weights.bin of `small` as the engine saves them. */
  async function savedSmall(units = 10): Promise<{ modelJson: string; weights: string }> {
    const model = compileGraph(tf, small);
    await writeModelFiles(tf, model, dataDir);
    model.dispose();
    const json = JSON.parse(await readFile(join(dataDir, MODEL_FILE), 'utf8'));
    json.modelTopology.config.layers.find(
      (l: { class_name: string }) => l.class_name === 'Dense',
    ).config.units = units;
    return {
      modelJson: JSON.stringify(json),
      weights: (await readFile(join(dataDir, WEIGHTS_FILE))).toString('base64'),
    };
  }

  it('keeps the weights as a finished run that export and Try an image use', async () => {
    const { modelJson, weights } = await savedSmall();
    const result = await host.api.importModel(modelJson, {
      files: [{ name: WEIGHTS_FILE, content: weights }],
    });
    expect(result.weightsRunId).toMatch(/^run-/);
    expect(result.document.meta[IMPORTED_WEIGHTS_META_KEY]).toEqual({
      runId: result.weightsRunId,
      source: WEIGHTS_FILE,
    });
    const run = await host.api.getRun(result.weightsRunId!);
    expect(run).toMatchObject({ status: 'done', name: 'Imported weights: small' });
    const exported = await host.api.exportModel(result.document, 'tfjs', result.weightsRunId);
    expect(exported[1].content).toBe(weights);
    const image = {
      width: 8,
      height: 8,
      channels: 1,
      pixels: Buffer.alloc(64, 128).toString('base64'),
      label: 0,
    };
    expect((await host.api.predict(result.weightsRunId!, image)).probabilities).toHaveLength(10);
  });

  it('evaluates the imported weights on the dataset when asked, and keeps the result', async () => {
    const { modelJson, weights } = await savedSmall();
    const { weightsRunId } = await host.api.importModel(modelJson, {
      files: [{ name: WEIGHTS_FILE, content: weights }],
    });
    expect((await host.api.getRun(weightsRunId!))!.result).toBeNull();
    const evaluated = await host.api.evaluateRun(weightsRunId!);
    const result = evaluated.result!;
    expect(result.testImages).toBe(10_000);
    expect(result.confusion).toHaveLength(10);
    expect(result.confusion.flat().reduce((sum, n) => sum + n, 0)).toBe(10_000);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(result.testLoss) && Number.isFinite(result.trainLoss)).toBe(true);
    // Kept in the record (listed, and read back from disk by the next engine).
    expect((await host.api.getRun(weightsRunId!))!.result).toEqual(result);
    const next = createEngineHost({ dataDir, version: '9.9.9' });
    try {
      expect((await next.api.getRun(weightsRunId!))!.result).toEqual(result);
    } finally {
      await next.dispose();
    }
    // Asked again, the run answers as it is.
    expect((await host.api.evaluateRun(weightsRunId!)).result).toEqual(result);
  }, 120_000);

  it('refuses weights that do not fit, naming the weight, and keeps no run', async () => {
    const { modelJson, weights } = await savedSmall(11);
    await expect(
      host.api.importModel(modelJson, { files: [{ name: WEIGHTS_FILE, content: weights }] }),
    ).rejects.toMatchObject({
      name: 'InvalidImport',
      message: 'weight d_dense/kernel (layer d_dense): expected shape [1568, 11], the file has [1568, 10]',
    });
    expect(await host.api.listRuns()).toEqual([]);
  });

  it('asks for the size of an input the file leaves unknown, naming it; takes it when given', async () => {
    const model = sequential(
      ['InputLayer', { name: 'pixels', batch_input_shape: [null, null, null, 3] }],
      ['GlobalAveragePooling2D', { name: 'gap' }],
      ['Dense', { name: 'out', units: 2 }],
    );
    await expect(host.api.importModel(model)).rejects.toMatchObject({
      name: 'InvalidImport',
      data: { inputSize: { input: 'pixels', shape: [null, null, 3] } },
    });
    const { document } = await host.api.importModel(model, { inputSize: [32, 32] });
    expect(document.nodes[0].params).toMatchObject({ height: 32, width: 32 });
  });

  it('lists the heads of a model with several outputs; takes the one chosen', async () => {
    const layer = (class_name: string, name: string, config: object, inbound: string[] = []) => ({
      class_name,
      name,
      config: { name, ...config },
      inbound_nodes: inbound.length ? [inbound.map((source) => [source, 0, 0, {}])] : [],
    });
    const model = JSON.stringify({
      class_name: 'Model',
      config: {
        name: 'two',
        layers: [
          layer('InputLayer', 'image', { batch_input_shape: [null, 4, 4, 1] }),
          layer('Flatten', 'flat', {}, ['image']),
          layer('Dense', 'classes', { units: 3 }, ['flat']),
          layer('Dense', 'box', { units: 4 }, ['flat']),
        ],
        input_layers: [['image', 0, 0]],
        output_layers: [
          ['classes', 0, 0],
          ['box', 0, 0],
        ],
      },
    });
    await expect(host.api.importModel(model)).rejects.toMatchObject({
      name: 'InvalidImport',
      data: { outputs: ['classes', 'box'] },
    });
    const { document } = await host.api.importModel(model, { output: 'classes' });
    expect(document.nodes.map((node) => node.id)).toEqual(['image', 'flat', 'classes']);
  });
});
