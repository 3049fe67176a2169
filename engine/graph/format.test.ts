import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatCount, formatShape } from './format';

describe('format', () => {
  it.each([
    [[28, 28, 6], '28×28×6'],
    [[400], '400'],
    [null, '?'],
  ] as const)('formatShape(%j) = %s', (shape, text) => {
    expect(formatShape(shape)).toBe(text);
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [61_706, '61,706'],
    [128_806_154, '128,806,154'],
    [-1234, '-1,234'],
  ])('formatCount(%d) = %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  it.each([
    [950, '950'],
    [61_706, '61.7K'],
    [46_764_746, '46.8M'],
    [2_000_000_000, '2G'],
  ])('formatCompact(%d) = %s', (n, text) => {
    expect(formatCompact(n)).toBe(text);
  });

  it.each([
    [512, '512 B'],
    [37_112, '36.2 KB'],
    [1024 * 1024 * 1.5, '1.5 MB'],
  ])('formatBytes(%d) = %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
