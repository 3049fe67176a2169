import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../backends/select';
import { benchTable } from '../../host/commands/bench';
import { tinyCnn } from '../test-support';
import { benchHealthCost, benchTraining } from './training-bench';

describe('benchTraining', () => {
  it('times real training steps after warm-up and leaves no tensors behind', async () => {
    const { tf } = await selectBackend();
    const before = tf.memory().numTensors;
    const result = await benchTraining(tf, tinyCnn(), {
      batchSize: 8,
      seconds: 0.05,
      warmupBatches: 1,
      minBatches: 3,
    });
    expect(result.batches).toBeGreaterThanOrEqual(3);
    expect(result.imagesPerSecond).toBeCloseTo((result.batches * 8) / result.seconds, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a graph whose output is not class scores', async () => {
    const { tf } = await selectBackend();
    await expect(benchTraining(tf, tinyCnn({ units: 3 }), { batchSize: 4, seconds: 0 })).rejects.toThrow(
      /has 3 units/,
    );
  });
});

describe('benchHealthCost', () => {
  it('times plain and sampled steps interleaved and prices samples at a run’s schedule, leaking nothing', async () => {
    const { tf } = await selectBackend();
    const before = tf.memory().numTensors;
    const result = await benchHealthCost(tf, tinyCnn(), {
      batchSize: 8,
      seconds: 0,
      warmupBatches: 1,
      samples: 2,
      budget: 0.1,
    });
    expect(result.samples).toBe(2);
    expect(result.sampledStepMs).toBeGreaterThan(0);
    const extra = Math.max(0, result.sampledStepMs - result.stepMs);
    expect(result.cost).toBeCloseTo(extra / (result.sampledStepMs * (1 + 1 / 0.1)), 9);
    // At most the budget: a sample's extra time is part of the sampled step's.
    expect(result.cost).toBeLessThanOrEqual(0.1);
    expect(result.healthImagesPerSecond).toBeCloseTo(result.plainImagesPerSecond * (1 - result.cost), 6);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('benchTable', () => {
  it('shows ours, the pipeline, PyTorch and the ratio, with dashes where PyTorch is missing', () => {
    const table = benchTable([
      {
        preset: 'lenet',
        backend: 'wasm',
        device: 'CPU (WebAssembly SIMD, 2 threads)',
        batchSize: 256,
        imagesPerSecond: 1234.4,
        pipelineImagesPerSecond: 250000,
        pytorchImagesPerSecond: 2468.8,
        ratio: 0.5,
      },
      {
        preset: 'resnet18',
        backend: 'wasm',
        device: 'CPU (WebAssembly SIMD, 2 threads)',
        batchSize: 16,
        imagesPerSecond: 3.21,
        pipelineImagesPerSecond: 9000,
      },
    ]).split('\n');
    expect(table[0]).toMatch(
      /^preset\s+backend\s+batch\s+train img\/s\s+pipeline img\/s\s+PyTorch img\/s\s+ours\/PyTorch$/,
    );
    expect(table[2]).toMatch(/^lenet\s+wasm\s+256\s+1,234\s+250,000\s+2,469\s+0\.50×$/);
    expect(table[3]).toMatch(/^resnet18\s+wasm\s+16\s+3\.2\s+9,000\s+—\s+—$/);
  });
});
