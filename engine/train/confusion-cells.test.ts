import { describe, expect, it } from 'vitest';
import { allocateImageSet } from '../datasets/image-set';
import { evaluatedTestIndices, groupByCell } from './confusion-cells';
import { subsetData } from './train-job';

describe('groupByCell', () => {
  it('puts every image in the cell of its true and predicted class, in order', () => {
    const labels = [0, 1, 2, 1, 0, 2, 1];
    const predicted = [0, 2, 2, 2, 1, 2, 1];
    const cells = groupByCell(labels, predicted, 3);
    expect(Array.from(cells[1][2])).toEqual([1, 3]);
    expect(Array.from(cells[0][0])).toEqual([0]);
    expect(Array.from(cells[0][1])).toEqual([4]);
    expect(Array.from(cells[2][2])).toEqual([2, 5]);
    expect(Array.from(cells[1][1])).toEqual([6]);
    expect(cells[2][0]).toHaveLength(0);
    // The cell sizes are the confusion matrix.
    expect(cells.map((row) => row.map((c) => c.length))).toEqual([
      [1, 1, 0],
      [0, 1, 2],
      [0, 0, 2],
    ]);
  });

  it('leaves out classes outside the range and refuses lists of different lengths', () => {
    const cells = groupByCell([0, 5, 1], [0, 0, -1], 2);
    expect(cells.flat().reduce((n, c) => n + c.length, 0)).toBe(1);
    expect(() => groupByCell([0], [0, 1], 2)).toThrow(/1 labels but 2 predictions/);
  });

  it('groups 10,000 images into 100 cells that add up', () => {
    const n = 10_000;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
    const predicted = Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
    const cells = groupByCell(labels, predicted, 10);
    expect(cells.flat().reduce((sum, c) => sum + c.length, 0)).toBe(n);
    for (const [t, row] of cells.entries())
      for (const [p, cell] of row.entries())
        for (const i of cell) expect([labels[i], predicted[i]]).toEqual([t, p]);
  });
});

describe('evaluatedTestIndices', () => {
  it('is every test image without a limit', () => {
    const test = allocateImageSet(5, 2, 2, 1);
    expect(Array.from(evaluatedTestIndices(test, 5, 1))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(evaluatedTestIndices(test, undefined, 1))).toEqual([0, 1, 2, 3, 4]);
  });

  it("is the very subset a run with an image limit was evaluated on (the training job's)", () => {
    const train = allocateImageSet(600, 2, 2, 1);
    const test = allocateImageSet(100, 2, 2, 1);
    for (const [limit, seed] of [
      [120, 1],
      [300, 42],
      [7, 3],
    ]) {
      const data = subsetData(train, test, limit, seed);
      const testImages = data.testIndices!.length;
      expect(Array.from(evaluatedTestIndices(test, testImages, seed))).toEqual(Array.from(data.testIndices!));
    }
  });
});
