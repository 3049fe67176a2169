/**
 * ONNX files go through the same folding as Keras files: a ResNet-18 exported to ONNX (its
 * blocks written as their inner layers) comes back as its residual blocks, with the book's
 * counts and the same predictions as the model that was exported.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { getPreset } from '../presets/index';
import { shortestFloat32 } from '../export/onnx/import';
import {
  compiledWithOnnx,
  compileImported,
  enginePredict,
  maxDifference,
  randomImages,
} from '../export/test-support/onnx';
import { importModelFiles } from './import-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('an exported ResNet-18 imports from ONNX folded back into its eight residual blocks, predicting the same', async () => {
  const resnet = getPreset('resnet18');
  const { model, onnx } = compiledWithOnnx(resnet);
  const images = randomImages(resnet, 2);
  try {
    const folded = importModelFiles(tf, [{ name: 'resnet18.onnx', bytes: onnx }]);
    expect(folded.problems).toEqual([]);
    const document = folded.document!;
    expect(document.nodes.filter((node) => node.type === 'residual')).toHaveLength(8);
    const totals = (doc: typeof resnet) => analyzeGraph(doc).totals;
    expect(totals(document).trainable).toBe(totals(resnet).trainable);
    expect(totals(document).nonTrainable).toBe(totals(resnet).nonTrainable);
    const back = compileImported(document, folded.weights!);
    try {
      expect(
        maxDifference(await enginePredict(back, images), await enginePredict(model, images)),
      ).toBeLessThan(1e-4);
    } finally {
      back.dispose();
    }

    const flat = importModelFiles(tf, [{ name: 'resnet18.onnx', bytes: onnx }], { fold: false });
    expect(flat.document!.nodes.filter((node) => node.type === 'residual')).toHaveLength(0);
  } finally {
    images.dispose();
    model.dispose();
  }
}, 300_000);

describe('float attributes read back as written', () => {
  it.each([
    [Math.fround(1e-5), 1e-5],
    [Math.fround(0.9), 0.9],
    [Math.fround(1.001e-5), 1.001e-5],
    [Math.fround(0.2), 0.2],
    [6, 6],
    [0, 0],
  ])('%f → %f', (stored, written) => {
    expect(shortestFloat32(stored)).toBe(written);
  });
});
