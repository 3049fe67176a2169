import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import type { GraphDocument } from '../graph/document';
import { healthSampleSchema, keepHealthSample, MAX_KEPT_HEALTH_SAMPLES } from '../protocol/layer-health';
import type { LayerHealth } from '../protocol/api';
import { LayerHealthMonitor, layerOwners } from './layer-health';
import { createOptimizer } from './optimizer';
import { trainStep } from './step';
import { chainGraph, quickTraining, tinyCnn } from './test-support';
import type { tfjs } from './tf-types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One sampled training step of `graph` on `xs` with plain SGD at `learningRate`. */
async function sampleOnce(
  graph: GraphDocument,
  xs: tfjs.Tensor4D,
  options: { learningRate?: number; prepare?: (model: tfjs.LayersModel) => void } = {},
): Promise<{ layers: LayerHealth[]; model: tfjs.LayersModel }> {
  const model = compileGraph(tf, graph);
  options.prepare?.(model);
  const optimizer = createOptimizer(tf, quickTraining({ optimizer: 'sgd', momentum: 0, weightDecay: 0 }));
  const monitor = LayerHealthMonitor.create(tf, model, graph)!;
  const labels = tf.tensor1d(
    Array.from({ length: xs.shape[0] }, (_, i) => i % 10),
    'int32',
  );
  const context = { tf, model, optimizer, classCount: 10, outputIsProbabilities: false, gradientClip: 0 };
  const sampling = monitor.begin();
  try {
    tf.dispose(trainStep(context, xs, labels, options.learningRate ?? 0.1, sampling));
    return { layers: await sampling.collect(xs), model };
  } finally {
    sampling.dispose();
    optimizer.dispose();
    labels.dispose();
  }
}

const byNode = (layers: LayerHealth[], nodeId: string, innerId?: string) =>
  layers.find((layer) => layer.nodeId === nodeId && layer.innerId === innerId)!;

describe('training health of a sampled step', () => {
  it('reports a ReLU fed only negative values as all zeros, and its mean and std as 0', async () => {
    const graph = tinyCnn();
    const xs = tf.ones([4, 28, 28, 1]) as tfjs.Tensor4D;
    const { layers, model } = await sampleOnce(graph, xs, {
      // Weights −1, bias 0: every pre-activation is negative, so the ReLU outputs only zeros.
      prepare: (m) => {
        const conv = m.getLayer('conv_conv');
        conv.setWeights(conv.getWeights().map((w, i) => (i === 0 ? tf.fill(w.shape, -1) : tf.zerosLike(w))));
      },
    });
    const conv = byNode(layers, 'conv');
    expect(conv.zeroShare).toBe(1);
    expect(conv.activationMean).toBe(0);
    expect(conv.activationStd).toBe(0);
    // No gradient reaches a dead ReLU's weights: nothing moves.
    expect(conv.gradNorm).toBe(0);
    expect(conv.updateRatio).toBe(0);
    expect(conv.timeMs).toBeGreaterThanOrEqual(0);
    // Layers without weights have activations and time but no gradient figures.
    const pool = byNode(layers, 'pool');
    expect(pool.gradNorm).toBeNull();
    expect(pool.updateRatio).toBeNull();
    expect(pool.zeroShare).toBe(1);
    model.dispose();
    xs.dispose();
  });

  it('measures the update ratio of a known SGD step: ‖lr·g‖ / ‖w‖', async () => {
    // flatten → dense: the dense layer's gradient and weights are read before the step.
    const graph = chainGraph('dense only', [
      { id: 'input', type: 'input', params: { height: 2, width: 2, channels: 1 } },
      { id: 'flat', type: 'flatten', params: {} },
      { id: 'out', type: 'dense', params: { units: 10, activation: 'none' } },
    ]);
    const xs = tf.tensor4d([1, 2, 3, 4, -1, 0, 2, 1], [2, 2, 2, 1]);
    const learningRate = 0.5;
    let weightNorm = 0;
    let gradNorm = 0;
    const { layers, model } = await sampleOnce(graph, xs, {
      learningRate,
      prepare: (m) => {
        const dense = m.getLayer('out_dense');
        const variables = dense.trainableWeights.map((w) => w.read());
        weightNorm = Math.sqrt(variables.reduce((sum, v) => sum + tf.sum(tf.square(v)).dataSync()[0], 0));
        const labels = tf.tensor1d([0, 1], 'int32');
        const { grads } = tf.variableGrads(
          () =>
            tf.losses.softmaxCrossEntropy(
              tf.oneHot(labels, 10),
              m.apply(xs, { training: true }) as tfjs.Tensor,
            ) as tfjs.Scalar,
          variables as tfjs.Variable[],
        );
        gradNorm = Math.sqrt(
          Object.values(grads).reduce((sum, g) => sum + tf.sum(tf.square(g)).dataSync()[0], 0),
        );
        tf.dispose([labels, ...Object.values(grads)]);
      },
    });
    const out = byNode(layers, 'out');
    expect(out.gradNorm).toBeCloseTo(gradNorm, 4);
    expect(out.updateRatio).toBeCloseTo((learningRate * gradNorm) / weightNorm, 4);
    model.dispose();
    xs.dispose();
  });

  it('gives a block its inner layers, and the block aggregates them', async () => {
    const graph = chainGraph('residual', [
      { id: 'input', type: 'input', params: { height: 8, width: 8, channels: 4 } },
      { id: 'res', type: 'residual', params: { filters: 4 } },
      { id: 'flat', type: 'flatten', params: {} },
      { id: 'out', type: 'dense', params: { units: 10, activation: 'none' } },
    ]);
    const xs = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 3) as tfjs.Tensor4D;
    const { layers, model } = await sampleOnce(graph, xs);
    const inner = layers.filter((layer) => layer.nodeId === 'res' && layer.innerId !== undefined);
    expect(inner.length).toBeGreaterThan(2);
    const block = byNode(layers, 'res');
    const weighted = inner.filter((layer) => layer.gradNorm !== null);
    expect(block.gradNorm).toBeCloseTo(Math.hypot(...weighted.map((layer) => layer.gradNorm!)), 4);
    expect(block.timeMs).toBeCloseTo(
      inner.reduce((sum, layer) => sum + layer.timeMs!, 0),
      4,
    );
    // Every figure travels as the schema says.
    expect(healthSampleSchema.safeParse({ epoch: 1, batch: 1, step: 1, layers }).success).toBe(true);
    model.dispose();
    xs.dispose();
  });

  it('leaves the model and batch norm statistics as a plain step would, and leaks no tensor', async () => {
    const graph = tinyCnn({ batchNorm: true, dropout: true });
    const xs = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5) as tfjs.Tensor4D;
    const plain = compileGraph(tf, graph);
    const sampled = compileGraph(tf, graph);
    sampled.setWeights(plain.getWeights());
    const labels = tf.tensor1d([1, 2, 3, 4], 'int32');
    const before = tf.memory().numTensors;
    for (const [model, monitor] of [
      [plain, null],
      [sampled, LayerHealthMonitor.create(tf, sampled, graph)],
    ] as const) {
      const optimizer = createOptimizer(tf, quickTraining({ optimizer: 'sgd', momentum: 0 }));
      const context = { tf, model, optimizer, classCount: 10, outputIsProbabilities: false, gradientClip: 0 };
      const sampling = monitor?.begin();
      tf.dispose(trainStep(context, xs, labels, 0.1, sampling));
      await sampling?.collect(xs);
      sampling?.dispose();
      optimizer.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    // Dropout makes the two steps differ; batch norm's moving statistics must match a single update.
    const bnStats = (model: tfjs.LayersModel) =>
      model
        .getLayer('bn_bn')
        .nonTrainableWeights.map((w) => Array.from(w.read().dataSync()))
        .flat();
    expect(bnStats(sampled)).toEqual(bnStats(plain));
    tf.dispose([plain, sampled, xs, labels] as unknown as tfjs.Tensor[]);
  });
});

describe('layerOwners', () => {
  it('maps layer names to the longest node prefix, and block layers to their inner node', () => {
    const graph = chainGraph('names', [
      { id: 'input', type: 'input', params: { height: 8, width: 8, channels: 1 } },
      { id: 'c', type: 'conv2d', params: { filters: 2, kernelSize: 3 } },
      { id: 'c-1', type: 'conv2d', params: { filters: 2, kernelSize: 3 } },
      { id: 'res', type: 'residual', params: { filters: 2 } },
    ]);
    const owners = layerOwners(graph, ['c_conv', 'c_1_conv', 'res_conv1_conv', 'unknown']);
    expect(owners.get('c_conv')).toEqual({ nodeId: 'c' });
    expect(owners.get('c_1_conv')).toEqual({ nodeId: 'c-1' });
    expect(owners.get('res_conv1_conv')?.nodeId).toBe('res');
    expect(owners.has('unknown')).toBe(false);
  });
});

describe('sampling schedule', () => {
  it('samples the second batch, then waits cost / budget, and always the last batch', async () => {
    let clock = 0;
    const graph = tinyCnn();
    const model = compileGraph(tf, graph);
    const monitor = LayerHealthMonitor.create(tf, model, graph, { budget: 0.1, now: () => clock })!;
    expect(monitor.due(0, false)).toBe(false);
    expect(monitor.due(1, false)).toBe(true);
    const sampling = monitor.begin();
    const xs = tf.zeros([1, 28, 28, 1]) as tfjs.Tensor4D;
    const labels = tf.tensor1d([0], 'int32');
    const optimizer = createOptimizer(tf, quickTraining());
    const context = { tf, model, optimizer, classCount: 10, outputIsProbabilities: false, gradientClip: 0 };
    tf.dispose(trainStep(context, xs, labels, 0.01, sampling));
    clock = 30; // the sample "took" 30 ms
    await sampling.collect(xs);
    sampling.dispose();
    clock = 100;
    expect(monitor.due(5, false)).toBe(false); // 30 ms at a 10 % budget: the next one after 300 ms
    expect(monitor.due(5, true)).toBe(true);
    clock = 331;
    expect(monitor.due(6, false)).toBe(true);
    tf.dispose([xs, labels]);
    optimizer.dispose();
    model.dispose();
  });

  it('keeps an evenly thinned history in a run record', () => {
    let kept: ReturnType<typeof keepHealthSample> = [];
    for (let step = 1; step <= 3 * MAX_KEPT_HEALTH_SAMPLES; step++)
      kept = keepHealthSample(kept, { epoch: 1, batch: step, step, layers: [] });
    expect(kept.length).toBeLessThanOrEqual(MAX_KEPT_HEALTH_SAMPLES);
    expect(kept.at(-1)!.step).toBe(3 * MAX_KEPT_HEALTH_SAMPLES);
    expect(kept[0].step).toBeLessThan(10);
  });
});
