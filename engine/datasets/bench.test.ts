import { describe, expect, it } from 'vitest';
import { benchPipeline } from './bench';

describe('benchPipeline', () => {
  it('reports images per second at 28, 96 and 224, fewer for larger inputs', () => {
    const result = benchPipeline({ minMilliseconds: 30, batchSize: 64 });
    expect(Object.keys(result).sort()).toEqual([
      'imagesPerSecond224',
      'imagesPerSecond28',
      'imagesPerSecond96',
    ]);
    for (const value of Object.values(result)) expect(value).toBeGreaterThan(0);
    // 64× the pixels per image at 224 than at 28: the order can't flip, however noisy the machine.
    expect(result.imagesPerSecond28).toBeGreaterThan(result.imagesPerSecond224);
  });
});
