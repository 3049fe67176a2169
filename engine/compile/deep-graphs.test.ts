/**
 * Graphs validation accepts must build and run: thousands of layers deep (tfjs maps a
 * model's graph recursively) and node ids tfjs refuses as names or objects mistake for
 * their prototype.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { activationChain, documentOf, nodeOf } from '../graph/test-graphs';
import { getPreset } from '../presets/index';
import { compileGraph, LAYERS_PER_PART } from './compile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

/** One forward pass of a batch of 2 ones; returns the output's shape. */
function forwardShape(model: tf.LayersModel): number[] {
  const [h, w, c] = model.inputs[0].shape.slice(1) as number[];
  return tf.tidy(() => (model.predict(tf.ones([2, h, w, c])) as tf.Tensor).shape);
}

describe('compileGraph of deep graphs', () => {
  it('builds and runs a 5,000-layer chain (the stack overflowed before)', () => {
    const doc = activationChain(5000);
    expect(analyzeGraph(doc).valid).toBe(true);
    const model = compileGraph(tf, doc);
    try {
      expect(forwardShape(model)).toEqual([2, 2]);
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('trains a graph deeper than one part whose skip connection crosses the parts', async () => {
    const doc = activationChain(LAYERS_PER_PART + 20);
    const last = `a${LAYERS_PER_PART + 19}`;
    doc.nodes.push(nodeOf('skip', 'add'));
    doc.edges = doc.edges.filter((edge) => edge.source !== last);
    doc.edges.push(
      ...documentOf(
        [],
        [
          ['in', 'skip'],
          [last, 'skip'],
          ['skip', 'a_flat'],
        ],
      ).edges.map((edge) => ({ ...edge, id: `skip_${edge.id}` })),
    );
    expect(analyzeGraph(doc).valid).toBe(true);
    const model = compileGraph(tf, doc);
    try {
      expect(model.layers.some((layer) => layer.name === 'part1_model')).toBe(true);
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const loss = await model.trainOnBatch(tf.ones([2, 2, 2, 1]), tf.zeros([2, 2]));
      expect(Number.isFinite(loss as number)).toBe(true);
      // Weights keep their layer names inside the parts (tfjs numbers repeats across models).
      expect(model.weights.map((w) => w.name.replace(/_\d+$/, ''))).toEqual([
        'a_out_dense/kernel',
        'a_out_dense/bias',
      ]);
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('saves and loads back a model built in parts, with the same outputs', async () => {
    const model = compileGraph(tf, activationChain(LAYERS_PER_PART + 20));
    try {
      let saved: tf.io.ModelArtifacts | null = null;
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          saved = artifacts;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      const x = tf.randomNormal([2, 2, 2, 1], 0, 1, 'float32', 3);
      const [a, b] = [model.predict(x), loaded.predict(x)] as tf.Tensor[];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      loaded.dispose();
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('keeps ordinary models flat: no preset is split into parts', () => {
    const model = compileGraph(tf, getPreset('densenet'));
    try {
      expect(model.layers.some((layer) => layer.name.startsWith('part'))).toBe(false);
    } finally {
      model.dispose();
    }
  });
});

describe('compileGraph of odd node ids', () => {
  it.each(['_x', '__proto__', 'constructor', '-', 'toString'])(
    'builds and runs a network whose nodes are "%s…"',
    (id) => {
      const doc = activationChain(2, id, id);
      expect(analyzeGraph(doc).valid).toBe(true);
      const model = compileGraph(tf, doc);
      try {
        expect(forwardShape(model)).toEqual([2, 2]);
      } finally {
        model.dispose();
      }
    },
  );
});
