/**
 * The ONNX commands: `cnn-studio export --to onnx` writes a model.onnx onnxruntime runs
 * (fresh weights, or a run's with `--run`), and `cnn-studio import model.onnx` writes the
 * graph with its weights folder; an op with no node exits 3 naming it, writing nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../compile/compile';
import { IMPORTED_WEIGHTS_META_KEY } from '../../export/imported-weights';
import { onnxWithLrn, randomizeWeights } from '../../export/test-support/onnx';
import { analyzeGraph } from '../../graph/analyze';
import { loadGraphDocument } from '../../graph/load';
import { getPreset } from '../../presets/index';
import { writeModelFiles } from '../../train/model-files';
import { runPaths } from '../../train/run-store';
import { run as exportCommand } from './export';
import { run as importCommand } from './import';
import { captureOutput } from './test-support';

const dir = mkdtempSync(join(tmpdir(), 'cnn-onnx-cli-'));
const savedDataDir = process.env.CNN_STUDIO_DATA_DIR;
beforeAll(async () => {
  await tf.setBackend('cpu');
  process.env.CNN_STUDIO_DATA_DIR = join(dir, 'data');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedDataDir === undefined) delete process.env.CNN_STUDIO_DATA_DIR;
  else process.env.CNN_STUDIO_DATA_DIR = savedDataDir;
});

describe('cnn-studio export --to onnx', () => {
  it('writes model.onnx with fresh weights that onnxruntime loads, NCHW input', async () => {
    const out = join(dir, 'fresh');
    const result = await captureOutput(() =>
      exportCommand(['--preset', 'lenet', '--to', 'onnx', '--out', out]),
    );
    expect(result.code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(join(out, 'model.onnx')));
    const output = await session.run({
      input: new ort.Tensor('float32', new Float32Array(2 * 28 * 28), [2, 1, 28, 28]),
    });
    expect(output.output.dims).toEqual([2, 10]);
    await session.release();
  });

  it("--run <id> exports that run's weights; an unknown run exits 1 naming it", async () => {
    const graph = getPreset('lenet');
    const model = compileGraph(tf, graph);
    randomizeWeights(model);
    const paths = runPaths(join(dir, 'data'), 'run-onnx-1');
    mkdirSync(paths.model, { recursive: true });
    await writeModelFiles(tf, model, paths.model);
    const image = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const expected = (model.predict(image) as tf.Tensor).dataSync();
    const out = join(dir, 'trained');
    const result = await captureOutput(() =>
      exportCommand(['--preset', 'lenet', '--to', 'onnx', '--out', out, '--run', 'run-onnx-1']),
    );
    expect(result.code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(join(out, 'model.onnx')));
    const nchw = image.transpose([0, 3, 1, 2]);
    const actual = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), [1, 1, 28, 28]),
    });
    await session.release();
    const got = actual.output.data as Float32Array;
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])))).toBeLessThanOrEqual(1e-4);
    tf.dispose([image, nchw]);
    model.dispose();

    const missing = await captureOutput(() =>
      exportCommand(['--preset', 'lenet', '--to', 'onnx', '--out', out, '--run', 'run-none']),
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('run "run-none" has no saved model');
  });
});

describe('cnn-studio import model.onnx', () => {
  it('writes the graph and its weights folder, named in the graph', async () => {
    const source = join(__dirname, '../../export/onnx/fixtures/zoo-cnn.onnx');
    const out = join(dir, 'zoo.json');
    const result = await captureOutput(() => importCommand([source, '--out', out]));
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const graph = loadGraphDocument(JSON.parse(readFileSync(out, 'utf8')));
    expect(analyzeGraph(graph).valid).toBe(true);
    expect(graph.meta[IMPORTED_WEIGHTS_META_KEY]).toMatchObject({
      folder: 'zoo.weights',
      source: 'zoo-cnn.onnx',
    });
    expect(existsSync(join(dir, 'zoo.weights', 'model.json'))).toBe(true);
  });

  it('an op with no node: listed by name and type, exit 3, nothing written', async () => {
    const source = join(dir, 'lrn.onnx');
    writeFileSync(source, onnxWithLrn());
    const out = join(dir, 'lrn.json');
    const result = await captureOutput(() => importCommand([source, '--out', out]));
    expect(result.code).toBe(3);
    expect(result.err).toContain('not mapped: norm1 (LRN)');
    expect(result.err).toContain('ONNX op norm1 (LRN)');
    expect(existsSync(out)).toBe(false);
  });
});
