/* eslint-disable @typescript-eslint/no-restricted-imports -- test support: compiles models and runs onnxruntime under vitest in Node, never in the app */
/**
 * What the ONNX tests share: a graph compiled with random (but fixed) weights, the engine's
 * predictions, the same graph exported to ONNX and run in onnxruntime.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { compileGraph } from '../../compile/compile';
import { analyzeGraph } from '../../graph/analyze';
import type { GraphDocument } from '../../graph/document';
import { exportOnnx, modelWeightSource, ONNX_INPUT, ONNX_OUTPUT } from '../onnx/export';

/**
 * Sets random weights that keep activations in range: kernels as initialised, biases and
 * batch norm's β and moving mean small, γ and moving variance around 1 (so batch norm's
 * inference form is really exercised).
 */
export function randomizeWeights(model: tf.LayersModel, seed = 7): void {
  const values = model.weights.map((weight, i) => {
    const name = weight.originalName ?? weight.name;
    const shape = weight.shape as number[];
    if (/gamma|moving_variance/.test(name)) return tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + i);
    if (/bias|beta|moving_mean/.test(name)) return tf.randomUniform(shape, -0.2, 0.2, 'float32', seed + i);
    return weight.read().clone();
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** An NHWC batch of random images for a graph's input. */
export function randomImages(graph: GraphDocument, batch: number, seed = 3): tf.Tensor4D {
  const [h, w, c] = analyzeGraph(graph).inputShape!;
  return tf.randomUniform([batch, h, w, c], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** The engine's output for `images`. */
export async function enginePredict(model: tf.LayersModel, images: tf.Tensor4D): Promise<Float32Array> {
  const out = model.predict(images) as tf.Tensor;
  const values = Float32Array.from(await out.data());
  out.dispose();
  return values;
}

/** Runs ONNX bytes in onnxruntime on NHWC `images` (transposed to the model's NCHW input). */
export async function onnxPredict(bytes: Uint8Array, images: tf.Tensor4D): Promise<Float32Array> {
  const nchw = images.transpose([0, 3, 1, 2]);
  const data = Float32Array.from(await nchw.data());
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', data, nchw.shape) });
    return Float32Array.from(result[ONNX_OUTPUT].data as Float32Array);
  } finally {
    nchw.dispose();
    await session.release();
  }
}

/** The largest absolute difference of two equally long arrays. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);
}

/** Compiles `graph` with random weights; returns the model and its ONNX export. */
export function compiledWithOnnx(
  graph: GraphDocument,
  seed = 7,
): { model: tf.LayersModel; onnx: Uint8Array } {
  const model = compileGraph(tf, graph);
  randomizeWeights(model, seed);
  return { model, onnx: exportOnnx(graph, modelWeightSource(model)) };
}

/** Asserts the exported model predicts what the engine predicts, to `tolerance`. */
export async function expectSamePredictions(
  graph: GraphDocument,
  batch = 2,
  tolerance = 1e-4,
): Promise<number> {
  const { model, onnx } = compiledWithOnnx(graph);
  const images = randomImages(graph, batch);
  try {
    const expected = await enginePredict(model, images);
    const actual = await onnxPredict(onnx, images);
    const difference = maxDifference(actual, expected);
    expect(difference).toBeLessThanOrEqual(tolerance);
    return difference;
  } finally {
    images.dispose();
    model.dispose();
  }
}
