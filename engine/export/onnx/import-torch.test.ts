/**
 * ONNX files PyTorch writes (torch 1.13's torch.onnx.export) import into valid graphs:
 * the committed fixtures (fixtures/make_fixtures.py regenerates them) predict what PyTorch
 * predicted, and CNN Studio's PyTorch export of every preset, exported to ONNX by torch,
 * imports with the book's parameter counts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../graph/analyze';
import type { GraphDocument } from '../../graph/document';
import { getPreset, presetIds } from '../../presets/index';
import { exportCode } from '../index';
import { checkImportedGraph } from '../import-repair';
import { compileImported, enginePredict, maxDifference } from '../test-support/onnx';
import { PYTHON, requireTorch } from '../test-support/python';
import { importOnnxModel } from './import';

const fixtures = join(__dirname, 'fixtures');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const counts = (document: GraphDocument) => {
  const { trainable, nonTrainable } = analyzeGraph(document).totals;
  return { trainable, nonTrainable };
};

/** Imports an ONNX file and checks it is a valid graph with nothing left out. */
function importValid(bytes: Uint8Array) {
  const imported = importOnnxModel(bytes);
  expect(imported.unmapped).toEqual([]);
  const checked = checkImportedGraph(imported.document);
  expect(checked.problems).toEqual([]);
  return { document: checked.document!, weights: imported.weights };
}

/** The imported model's output on the input torch saved beside the file equals torch's (1e-4). */
async function expectTorchPredictions(
  document: GraphDocument,
  weights: ReturnType<typeof importValid>['weights'],
  expectedPath: string,
): Promise<void> {
  const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as {
    shape: [number, number, number, number];
    input: number[];
    output: number[];
  };
  const nhwc = tf.tensor4d(expected.input, expected.shape).transpose([0, 2, 3, 1]) as tf.Tensor4D;
  const model = compileImported(document, weights);
  try {
    const actual = await enginePredict(model, nhwc);
    expect(maxDifference(actual, Float32Array.from(expected.output))).toBeLessThanOrEqual(1e-4);
  } finally {
    model.dispose();
    nhwc.dispose();
  }
}

describe('PyTorch ONNX fixtures', () => {
  it.each([
    ['lenet', 'LeNet as CNN Studio exports it to PyTorch (Pad + AveragePool, Flatten, Gemm)'],
    [
      'zoo-cnn',
      'a zoo-style CNN (BN folded, Clip as relu6, depthwise, GlobalAveragePool, view() as Reshape)',
    ],
    ['gelu-cnn', 'nn.GELU as torch writes it before opset 20 (Div √2, Erf, Add 1, Mul x, Mul ½): one GELU'],
  ])('%s: %s, predicts what PyTorch predicted', async (name) => {
    const { document, weights } = importValid(new Uint8Array(readFileSync(join(fixtures, `${name}.onnx`))));
    if (name === 'lenet') expect(counts(document)).toEqual(counts(getPreset('lenet')));
    if (name === 'gelu-cnn')
      expect(
        document.nodes.filter((node) => node.type === 'activation').map((node) => node.params.fn),
      ).toEqual(['gelu']);
    await expectTorchPredictions(document, weights, join(fixtures, `${name}.expected.json`));
  });
});

/**
 * Presets whose imported model must also predict what PyTorch predicted: MobileNetV2's pads are
 * computed in forward (uneven at stride 2), so equal counts alone would not show they came out right.
 */
const PREDICTED = new Set(['mobilenetv2']);

describe("PyTorch's ONNX export of every preset imports with the book's parameter counts", () => {
  // MobileNetV2's model.py computes TensorFlow's 'same' pads in forward from x.shape and F.pad
  // reorders them: torch traces both as ops on shapes and constants, which the importer folds.
  const ids = presetIds;
  let dir = '';
  const onnxPath = (id: string) => join(dir, id, 'model.onnx');

  // Every preset's model.py exported by one Python process: starting Python with torch takes
  // seconds, once per preset was most of this file's time.
  beforeAll(() => {
    requireTorch();
    dir = mkdtempSync(join(tmpdir(), 'cnn-torch-onnx-'));
    for (const id of ids) {
      mkdirSync(join(dir, id));
      for (const file of exportCode(getPreset(id), 'pytorch'))
        writeFileSync(join(dir, id, file.path), file.content);
    }
    execFileSync(
      PYTHON,
      [
        '-c',
        'import sys; sys.path.insert(0, sys.argv[1]); import make_fixtures; make_fixtures.export_model_pys(*sys.argv[3:], expected=sys.argv[2].split(","))',
        fixtures,
        [...PREDICTED].map(onnxPath).join(','),
        ...ids.flatMap((id) => [join(dir, id), onnxPath(id)]),
      ],
      { stdio: 'pipe' },
    );
  }, 900_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(ids)(
    '%s',
    async (id) => {
      const error = `${onnxPath(id)}.error`;
      if (existsSync(error)) throw new Error(`torch could not export ${id}:\n${readFileSync(error, 'utf8')}`);
      const { document, weights } = importValid(new Uint8Array(readFileSync(onnxPath(id))));
      expect(counts(document)).toEqual(counts(getPreset(id)));
      if (PREDICTED.has(id))
        await expectTorchPredictions(document, weights, onnxPath(id).replace('.onnx', '.expected.json'));
    },
    120_000,
  );
});
