import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { explainFailure } from './failures';
import { estimateStepMemory, formatBytes, memoryRefusal } from './memory';
import { memoryBudget } from './memory-budget';
import { tinyCnn } from './test-support';

const MB = 2 ** 20;
const budget = (megabytes: number) => ({ bytes: megabytes * MB, source: 'test' });

describe('memory preflight', () => {
  it('counts activations × batch, weights, gradients and optimizer state', () => {
    const analysis = analyzeGraph(tinyCnn());
    const { trainable, activationBytes } = analysis.totals;
    const sgd = estimateStepMemory(analysis, { batchSize: 10, optimizer: 'sgd', momentum: 0 }, budget(100));
    expect(sgd.perExampleBytes).toBe(activationBytes * 3);
    expect(sgd.fixedBytes).toBe(trainable * 4 * 2); // weights + gradients
    expect(sgd.stepBytes).toBe(sgd.fixedBytes + 10 * sgd.perExampleBytes);
    const adam = estimateStepMemory(analysis, { batchSize: 10, optimizer: 'adam', momentum: 0 }, budget(100));
    expect(adam.fixedBytes).toBe(trainable * 4 * 4); // + two moments
  });

  it('names the largest batch size that fits, or says none does', () => {
    const analysis = analyzeGraph(tinyCnn({ size: 512 }));
    const estimate = estimateStepMemory(
      analysis,
      { batchSize: 256, optimizer: 'sgd', momentum: 0.9 },
      budget(512),
    );
    const fits = estimateStepMemory(
      analysis,
      { batchSize: estimate.largestBatch, optimizer: 'sgd', momentum: 0.9 },
      budget(512),
    );
    expect(estimate.largestBatch).toBeGreaterThan(0);
    expect(memoryRefusal(fits)).toBeNull();
    expect(fits.stepBytes + estimate.perExampleBytes).toBeGreaterThan(512 * MB);
    expect(memoryRefusal(estimate)).toContain(
      `the largest batch size that fits is ${estimate.largestBatch}; or use a smaller input size`,
    );
    const none = estimateStepMemory(analysis, { batchSize: 1, optimizer: 'sgd', momentum: 0 }, budget(1));
    expect(none.largestBatch).toBe(0);
    expect(memoryRefusal(none)).toMatch(/not even one image fits/);
  });

  it('takes the budget from CNN_STUDIO_MEMORY_LIMIT_MB, refusing a value that is not one', () => {
    expect(memoryBudget({ CNN_STUDIO_MEMORY_LIMIT_MB: '512' })).toEqual({
      bytes: 512 * MB,
      source: 'CNN_STUDIO_MEMORY_LIMIT_MB=512',
    });
    expect(() => memoryBudget({ CNN_STUDIO_MEMORY_LIMIT_MB: 'lots' })).toThrow(
      'CNN_STUDIO_MEMORY_LIMIT_MB must be a number of megabytes above 0, got "lots"',
    );
    const automatic = memoryBudget({});
    expect(automatic.bytes).toBeGreaterThan(0);
    expect(automatic.source).toMatch(/^70% of this machine's [\d.]+ [KMGT]B$/);
  });

  it('explains a real out-of-memory error with the same figures', () => {
    const estimate = estimateStepMemory(
      analyzeGraph(tinyCnn()),
      { batchSize: 64, optimizer: 'adam', momentum: 0 },
      budget(4096),
    );
    const message = explainFailure(new RangeError('Array buffer allocation failed'), {
      epoch: 2,
      batch: 5,
      batchSize: 64,
      paramCount: 1,
      memory: estimate,
    });
    expect(message).toMatch(
      /^ran out of memory at epoch 2 batch 5: a training step needs about [\d.]+ MB at batch size 64 \(.* of activations per image, .* for weights, gradients and optimizer state\) and this machine could not provide it — try batch size 32 or a smaller input size$/,
    );
  });

  it('formats sizes in powers of 1024', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 2 ** 30)).toBe('3.0 GB');
  });
});
