import { describe, expect, it } from 'vitest';
import type { DatasetInfo } from '../../../engine/protocol/api';
import { datasetSummary, guessImportKind } from './dataset-import';

describe('dataset import helpers', () => {
  it('guesses the kind from the last path segment', () => {
    expect(guessImportKind('/data/digits.csv')).toBe('csv');
    expect(guessImportKind('C:\\data\\train-images-idx3-ubyte.gz')).toBe('idx');
    expect(guessImportKind('/data/t10k-labels-idx1-ubyte')).toBe('idx');
    expect(guessImportKind('/data/csv-photos/')).toBe('folder');
    expect(guessImportKind('')).toBe('folder');
  });

  it('says "no test set" rather than 0 test', () => {
    const info: DatasetInfo = {
      id: 'x',
      name: 'x',
      source: 'imported',
      trainSize: 1200,
      testSize: 0,
      imageShape: [8, 8, 3],
      classNames: ['a', 'b'],
    };
    expect(datasetSummary(info)).toBe('1,200 train · no test set · 8×8×3 · 2 classes');
    expect(datasetSummary({ ...info, testSize: 300 })).toBe('1,200 train · 300 test · 8×8×3 · 2 classes');
  });
});
