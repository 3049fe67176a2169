import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../compile/compile';
import { IMPORTED_WEIGHTS_META_KEY } from '../../export/imported-weights';
import { kerasResNet50 } from '../../export/test-support/keras-resnet50';
import { readModelWeights, writeModelFiles } from '../../train/model-files';
import { chainGraph } from '../../train/test-support';
import { captureOutput } from './test-support';
import { analyzeGraph } from '../../graph/analyze';
import { loadGraphDocument } from '../../graph/load';
import { run } from './import';

/** Runs the command, capturing what it prints. */
async function importCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, out, err } = await captureOutput(() => run(args));
  return { code, stdout: out.join('\n'), stderr: err.replace(/\n$/, '') };
}

const dir = mkdtempSync(join(tmpdir(), 'import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a Sequential model.json of the given layers; returns its path. */
function modelFile(
  name: string,
  ...layers: Array<[className: string, config: Record<string, unknown>]>
): string {
  const path = join(dir, name);
  const topology = {
    class_name: 'Sequential',
    config: { name: 'seq', layers: layers.map(([c, config]) => ({ class_name: c, config })) },
  };
  writeFileSync(path, JSON.stringify({ modelTopology: topology }));
  return path;
}

const image: [string, Record<string, unknown>] = [
  'InputLayer',
  { name: 'image', batch_input_shape: [null, 8, 8, 1] },
];
const flatten: [string, Record<string, unknown>] = ['Flatten', { name: 'flat' }];

describe('cnn-studio import', () => {
  it('repairs what has one right answer, names each repair, and writes a graph CNN Studio reads', async () => {
    const model = modelFile('unnamed.json', image, flatten, ['Dense', { name: '', units: 3 }]);
    const out = join(dir, 'unnamed-graph.json');
    const { code, stdout, stderr } = await importCommand(model, '--out', out);
    expect(code).toBe(0);
    expect(stderr).toBe('cnn-studio import: repaired: layer 3 (Dense) had no name: named dense_3');
    expect(stdout).toBe(`Wrote ${out}: 3 nodes`);
    expect(analyzeGraph(loadGraphDocument(readFileSync(out, 'utf8'))).valid).toBe(true);
  });

  it('writes nothing for a graph still invalid, and exits 3 listing the problems', async () => {
    const model = modelFile('no-units.json', image, flatten, ['Dense', { name: 'out' }]);
    const out = join(dir, 'no-units-graph.json');
    const { code, stderr } = await importCommand(model, '--out', out);
    expect(code).toBe(3);
    expect(stderr).toContain('node out: units was missing in the model, and Keras has no default for it');
    expect(stderr).toContain('nothing written; --allow-invalid writes it anyway');
    expect(existsSync(out)).toBe(false);
  });

  it('writes an invalid graph with --allow-invalid, still exiting 3 with the problems', async () => {
    const model = modelFile(
      'too-high.json',
      ['InputLayer', { name: 'image', batch_input_shape: [null, 5000, 8, 1] }],
      flatten,
      ['Dense', { name: 'out', units: 2 }],
    );
    const out = join(dir, 'too-high-graph.json');
    const { code, stderr } = await importCommand(model, '--out', out, '--allow-invalid');
    expect(code).toBe(3);
    expect(stderr).toContain('node image: height must be a whole number from 1 to 4096, got 5000');
    expect(stderr).toContain('(--allow-invalid)');
    // Written so the editor can open it and show the problem at the node.
    const analysis = analyzeGraph(loadGraphDocument(readFileSync(out, 'utf8')));
    expect(analysis.valid).toBe(false);
  });

  it('a file that is not a layers model: exit 1, nothing written', async () => {
    const path = join(dir, 'not-a-model.json');
    writeFileSync(path, '[]');
    const out = join(dir, 'never.json');
    const { code, stderr } = await importCommand(path, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain('not a model.json');
    expect(existsSync(out)).toBe(false);
  });
});

describe('cnn-studio import: weights, heads and sizes', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const small = chainGraph('small', [
    { id: 'image', type: 'input', params: { height: 8, width: 8, channels: 1 } },
    { id: 'c', type: 'conv2d', params: { filters: 2, kernelSize: 3 } },
    { id: 'f', type: 'flatten', params: {} },
    { id: 'd', type: 'dense', params: { units: 3 } },
  ]);

  it('reads the shards beside model.json and writes them as a model folder the graph names', async () => {
    const modelDir = mkdtempSync(join(dir, 'tfjs-'));
    const model = compileGraph(tf, small);
    await writeModelFiles(tf, model, modelDir);
    const expected = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    const out = join(dir, 'with-weights.json');
    const { code, stdout } = await importCommand(join(modelDir, 'model.json'), '--out', out);
    expect(code).toBe(0);
    expect(stdout).toBe(
      `Wrote ${out}: 4 nodes; weights from weights.bin in ${join(dir, 'with-weights.weights')}`,
    );
    const document = loadGraphDocument(readFileSync(out, 'utf8'));
    expect(document.meta[IMPORTED_WEIGHTS_META_KEY]).toEqual({
      folder: 'with-weights.weights',
      source: 'weights.bin',
    });
    const reloaded = compileGraph(tf, document);
    await readModelWeights(tf, reloaded, join(dir, 'with-weights.weights'));
    expect(reloaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(expected);
    reloaded.dispose();
  });

  it('imports a Keras .h5 file, topology and weights', async () => {
    const out = join(dir, 'from-h5.json');
    const weightsOut = join(dir, 'h5-weights');
    const fixture = join(__dirname, '../../export/fixtures/tiny-keras.h5');
    const { code, stdout } = await importCommand(fixture, '--out', out, '--weights-out', weightsOut);
    expect(code).toBe(0);
    expect(stdout).toBe(`Wrote ${out}: 5 nodes; weights from tiny-keras.h5 in ${weightsOut}`);
    expect(existsSync(join(weightsOut, 'weights.bin'))).toBe(true);
  });

  it('refuses weights that do not fit, naming the weight, and writes nothing', async () => {
    const modelDir = mkdtempSync(join(dir, 'misfit-'));
    const model = compileGraph(tf, small);
    await writeModelFiles(tf, model, modelDir);
    model.dispose();
    const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
    const dense = json.modelTopology.config.layers.find(
      (layer: { class_name: string }) => layer.class_name === 'Dense',
    );
    dense.config.units = 4;
    writeFileSync(join(modelDir, 'model.json'), JSON.stringify(json));
    const out = join(dir, 'misfit.json');
    const { code, stderr } = await importCommand(join(modelDir, 'model.json'), '--out', out);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /the weights do not fit: weight d_dense\/kernel \(layer d_dense\): expected shape \[128, 4\], the file has \[128, 3\]/,
    );
    expect(existsSync(out)).toBe(false);
  });

  const twoHeads = () => {
    const path = join(dir, 'two-heads.json');
    const layer = (
      class_name: string,
      name: string,
      config: Record<string, unknown>,
      inbound: string[] = [],
    ) => ({
      class_name,
      name,
      config: { name, ...config },
      inbound_nodes: inbound.length ? [inbound.map((source) => [source, 0, 0, {}])] : [],
    });
    writeFileSync(
      path,
      JSON.stringify({
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
      }),
    );
    return path;
  };

  it('a model with several outputs: exit 3 asking for --output; --output keeps that head', async () => {
    const out = join(dir, 'heads.json');
    const asked = await importCommand(twoHeads(), '--out', out);
    expect(asked.code).toBe(3);
    expect(asked.stderr).toContain(
      'the model has 2 outputs (classes, box): choose the head to train (cnn-studio import --output <layer>',
    );
    expect(existsSync(out)).toBe(false);
    const chosen = await importCommand(twoHeads(), '--out', out, '--output', 'box');
    expect(chosen.code).toBe(0);
    expect(loadGraphDocument(readFileSync(out, 'utf8')).nodes.map((node) => node.id)).toEqual([
      'image',
      'flat',
      'box',
    ]);
  });

  it('an unknown input size: exit 2 naming the input; --input-size sets it', async () => {
    const model = modelFile(
      'open-size.json',
      ['InputLayer', { name: 'pixels', batch_input_shape: [null, null, null, 3] }],
      ['GlobalAveragePooling2D', { name: 'gap' }],
      ['Dense', { name: 'out', units: 2 }],
    );
    const out = join(dir, 'open-size-graph.json');
    const asked = await importCommand(model, '--out', out);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('input "pixels" has no fixed height and width ([None, None, 3])');
    expect(asked.stderr).toContain('rerun with --input-size <n> or <h>x<w>');
    const given = await importCommand(model, '--out', out, '--input-size', '64x48');
    expect(given.code).toBe(0);
    expect(loadGraphDocument(readFileSync(out, 'utf8')).nodes[0].params).toMatchObject({
      height: 64,
      width: 48,
    });
    const bad = await importCommand(model, '--out', out, '--input-size', 'big');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--input-size must be a size like 224 or 224x160 (1 to 4096), got "big"');
  });
});

describe('cnn-studio import: folding', () => {
  it('folds ResNet-50 into a stem, sixteen bottlenecks and a head; --no-fold keeps its 177 layers', async () => {
    const path = join(dir, 'resnet50.json');
    writeFileSync(path, JSON.stringify(kerasResNet50()));
    const folded = join(dir, 'resnet50-folded.json');
    expect((await importCommand(path, '--out', folded)).code).toBe(0);
    const document = loadGraphDocument(readFileSync(folded, 'utf8'));
    expect(document.nodes.filter((node) => node.type === 'bottleneck')).toHaveLength(16);
    const totals = analyzeGraph(document).totals;
    expect([totals.trainable, totals.nonTrainable]).toEqual([25_583_592, 53_120]);
    const flat = join(dir, 'resnet50-flat.json');
    expect((await importCommand(path, '--out', flat, '--no-fold')).code).toBe(0);
    expect(
      loadGraphDocument(readFileSync(flat, 'utf8')).nodes.some((node) => node.type === 'bottleneck'),
    ).toBe(false);
  }, 60_000);
});
