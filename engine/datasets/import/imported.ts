/** What every importer returns: the images, split into train and test, and the class names. */
import type { ImageSet } from '../types';

export interface ImportedImages {
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
}

/** Test share for imports that come as one file or one folder (per class, the last 20%). */
export const IMPORT_TEST_FRACTION = 0.2;

/** Class names `'0' … 'n-1'` for numeric labels, n = the largest label + 1. */
export function numericClassNames(...sets: ImageSet[]): string[] {
  let max = 0;
  for (const set of sets) for (let i = 0; i < set.count; i++) max = Math.max(max, set.labels[i]);
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}
