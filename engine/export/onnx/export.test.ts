/**
 * ONNX export checked in onnxruntime: every preset (random weights, a batch of 2) predicts
 * what the engine predicts to 1e-4 (presets above 96×96 at a reduced input, see atTestedSize). And the ONNX project's
 * own checker (Python `onnx`, with shape inference) accepts what we write.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../graph/analyze';
import type { GraphDocument } from '../../graph/document';
import { getPreset, presetIds } from '../../presets/index';
import { compiledWithOnnx, expectSamePredictions } from '../test-support/onnx';
import { userBlockGraph } from '../test-support/user-block-graph';
import { PYTHON } from '../test-support/python';
import { decodeOnnxModel } from './proto';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Inputs above this many pixels are tested at a reduced size (the CPU backend is slow at 224×224). */
const LARGEST_TESTED_INPUT = 96 * 96;

/**
 * The preset as tested: presets with inputs larger than 96×96 (AlexNet, VGG, NiN at 224×224;
 * MobileNetV2 / ResNet-50 at 224×224) at the smallest of 64, 96 or 128 pixels square their
 * layers accept — every layer and weight layout is the same, only the feature maps (and the
 * first Dense's inputs) are smaller.
 */
function atTestedSize(graph: GraphDocument): { graph: GraphDocument; size: string } {
  const input = graph.nodes.find((node) => node.type === 'input')!;
  const [h, w] = [Number(input.params.height), Number(input.params.width)];
  if (h * w <= LARGEST_TESTED_INPUT) return { graph, size: `${h}×${w}` };
  for (const side of [64, 96, 128]) {
    const reduced: GraphDocument = {
      ...graph,
      nodes: graph.nodes.map((node) =>
        node === input ? { ...node, params: { ...node.params, height: side, width: side } } : node,
      ),
    };
    if (analyzeGraph(reduced).valid)
      return { graph: reduced, size: `${side}×${side} (reduced from ${h}×${w})` };
  }
  return { graph, size: `${h}×${w}` };
}

describe('ONNX export of the presets runs in onnxruntime with the engine predictions', () => {
  it.each(presetIds)(
    '%s',
    async (id) => {
      const { graph, size } = atTestedSize(getPreset(id));
      const difference = await expectSamePredictions(graph);
      console.info(
        `ONNX export of ${id} at ${size}: largest difference from the engine ${difference.toExponential(2)}`,
      );
      expect(difference).toBeLessThanOrEqual(1e-4);
    },
    600_000,
  );
});

describe('ONNX export of a graph with blocks of your own', () => {
  it('writes each block as its inner layers; onnxruntime predicts what the engine predicts', async () => {
    expect(await expectSamePredictions(userBlockGraph())).toBeLessThanOrEqual(1e-4);
  });
});

describe('the exported file', () => {
  it('passes the ONNX checker with full shape inference (opset 13, one NCHW input, one output)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnn-onnx-check-'));
    try {
      for (const id of ['lenet', 'resnet18'] as const) {
        const { model, onnx } = compiledWithOnnx(getPreset(id));
        model.dispose();
        const path = join(dir, `${id}.onnx`);
        writeFileSync(path, onnx);
        const output = execFileSync(
          PYTHON,
          [
            '-c',
            'import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.opset_import[0].version, len(m.graph.input), len(m.graph.output))',
            path,
          ],
          { encoding: 'utf8' },
        );
        expect(output.trim()).toBe('13 1 1');
        const decoded = decodeOnnxModel(onnx);
        const [, c, h, w] = decoded.graph!.input![0].type!.tensorType!.shape!.dim!;
        const [ih, iw, ic] = [28, 28, 1];
        if (id === 'lenet') expect([c.dimValue, h.dimValue, w.dimValue]).toEqual([ic, ih, iw]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
