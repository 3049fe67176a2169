/** Classification metrics from true and predicted classes. */

/** An empty `classCount × classCount` count matrix: `[trueClass][predictedClass]`. */
export function emptyConfusion(classCount: number): number[][] {
  return Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
}

/** Adds a batch of (label, prediction) pairs to `confusion`. Out-of-range classes are an error. */
export function addToConfusion(
  confusion: number[][],
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
): void {
  const classCount = confusion.length;
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i];
    const guess = predicted[i];
    if (truth >= classCount || guess >= classCount) {
      throw new Error(
        `class ${Math.max(truth, guess)} is outside the ${classCount} classes of the confusion matrix`,
      );
    }
    confusion[truth][guess]++;
  }
}

/** Accuracy of each true class (row); 0 for a class with no examples. */
export function perClassAccuracy(confusion: readonly number[][]): number[] {
  return confusion.map((row, i) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return total === 0 ? 0 : row[i] / total;
  });
}

/** Overall accuracy: the diagonal over the total. */
export function overallAccuracy(confusion: readonly number[][]): number {
  let correct = 0;
  let total = 0;
  confusion.forEach((row, i) => {
    correct += row[i];
    for (const n of row) total += n;
  });
  return total === 0 ? 0 : correct / total;
}
