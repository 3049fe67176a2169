/**
 * The test images behind each confusion-matrix cell: one classification of the run's test
 * images (label, predicted class, confidence per image), grouped by (true, predicted) class
 * once, so any cell's images are a slice away however large the test set.
 */
import { limitIndices } from '../datasets/image-set';
import { toSample } from '../datasets/pipeline/samples';
import type { ConfusionCellPage } from '../protocol/api';
import type { ImageSet } from '../datasets/types';

/** How a model classified some images of a set, position by position. */
export interface SetClassification {
  /** The images' indices in the set. */
  indices: Uint32Array;
  labels: Int32Array;
  predicted: Int32Array;
  /** The probability of the predicted class. */
  confidence: Float32Array;
}

/** `cells[trueClass][predictedClass]`: positions (into a SetClassification) in set order. */
export type CellPositions = Uint32Array[][];

/**
 * Groups positions by cell in two passes (count, then fill), O(images + classes²).
 * Labels or predictions outside `0…classCount-1` are left out.
 */
export function groupByCell(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classCount: number,
): CellPositions {
  if (labels.length !== predicted.length)
    throw new RangeError(`${labels.length} labels but ${predicted.length} predictions`);
  const inRange = (c: number) => Number.isInteger(c) && c >= 0 && c < classCount;
  const counts = Array.from({ length: classCount }, () => new Uint32Array(classCount));
  for (let i = 0; i < labels.length; i++)
    if (inRange(labels[i]) && inRange(predicted[i])) counts[labels[i]][predicted[i]]++;
  const cells = counts.map((row) => Array.from(row, (n) => new Uint32Array(n)));
  const filled = Array.from({ length: classCount }, () => new Uint32Array(classCount));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predicted[i];
    if (inRange(t) && inRange(p)) cells[t][p][filled[t][p]++] = i;
  }
  return cells;
}

/**
 * The test images a run's result was measured on: all of them, or — when the run trained on
 * an image limit — the seeded subset `subsetData` (train-job.ts) drew, which depends only on
 * its size and the seed: `limitIndices(test, testCount, seed + 1)`.
 */
export function evaluatedTestIndices(
  test: ImageSet,
  testImages: number | undefined,
  seed: number,
): Uint32Array {
  if (testImages === undefined || testImages >= test.count)
    return Uint32Array.from({ length: test.count }, (_, i) => i);
  return limitIndices(test, testImages, seed + 1);
}

/** A run's test images, classified once by its saved model and grouped by cell. */
export interface TestCells {
  set: ImageSet;
  classification: SetClassification;
  cells: CellPositions;
}

/** Classifies the test images a run was evaluated on and groups them by confusion cell. */
export async function classifyTestCells(
  classify: (set: ImageSet, indices: Uint32Array) => Promise<SetClassification>,
  test: ImageSet,
  run: { testImages: number | undefined; seed: number; classCount: number },
): Promise<TestCells> {
  const classification = await classify(test, evaluatedTestIndices(test, run.testImages, run.seed));
  const cells = groupByCell(classification.labels, classification.predicted, run.classCount);
  return { set: test, classification, cells };
}

/**
 * Images `offset … offset + count - 1` of cell (`trueClass`, `predictedClass`).
 *
 * @throws RangeError naming the class when it is not one of the run's classes.
 */
export function cellPage(
  tested: TestCells,
  trueClass: number,
  predictedClass: number,
  offset: number,
  count: number,
): ConfusionCellPage {
  const classCount = tested.cells.length;
  for (const [what, value] of [
    ['true class', trueClass],
    ['predicted class', predictedClass],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value >= classCount)
      throw new RangeError(
        `${what} ${value} is not one of this run's ${classCount} classes (0–${classCount - 1})`,
      );
  }
  const { classification, set } = tested;
  const positions = tested.cells[trueClass][predictedClass];
  const images = Array.from(positions.subarray(offset, offset + Math.max(0, count)), (position) => ({
    image: toSample(set, classification.indices[position]),
    predictedClass,
    confidence: classification.confidence[position],
    index: classification.indices[position],
  }));
  return { trueClass, predictedClass, total: positions.length, offset, images };
}
