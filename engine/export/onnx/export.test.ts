/**
 * ONNX export checked in onnxruntime: every preset (random weights, a batch of 2) predicts
 * what the engine predicts to 1e-4, at the preset's own input size. And the ONNX project's
 * own checker (Python `onnx`, with shape inference) accepts what we write.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset, presetIds } from '../../presets/index';
import { compiledWithOnnx, expectSamePredictions } from '../test-support/onnx';
import { PYTHON } from '../test-support/python';
import { decodeOnnxModel } from './proto';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ONNX export of the presets runs in onnxruntime with the engine predictions', () => {
  it.each(presetIds)(
    '%s',
    async (id) => {
      const difference = await expectSamePredictions(getPreset(id));
      expect(difference).toBeLessThanOrEqual(1e-4);
    },
    600_000,
  );
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
