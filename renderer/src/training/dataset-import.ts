/** Pure helpers of the dataset Import… dialog. */
import type { DatasetImportRequest, DatasetInfo } from '../../../engine/protocol/api';

export type ImportKind = DatasetImportRequest['kind'];

export const IMPORT_KINDS: ReadonlyArray<readonly [ImportKind, string]> = [
  ['folder', 'Image folder (one sub-folder per class)'],
  ['idx', 'IDX files (MNIST format, .gz or plain)'],
  ['csv', 'CSV (label, pixels… per row)'],
];

/**
 * The kind a typed path most likely is, by its name alone (the engine checks the contents):
 * `.csv` → CSV; `idx3`/`idx1`/`-ubyte` → IDX; anything else → an image folder.
 */
export function guessImportKind(path: string): ImportKind {
  const name = path.trim().split(/[\\/]/).filter(Boolean).pop() ?? '';
  if (/\.csv$/i.test(name)) return 'csv';
  if (/idx[13]|-ubyte(\.gz)?$/i.test(name)) return 'idx';
  return 'folder';
}

/** "8 train · 2 test · 8×8×1 · 2 classes", with "no test set" when there are no test images. */
export function datasetSummary(info: DatasetInfo): string {
  const test = info.testSize === 0 ? 'no test set' : `${info.testSize.toLocaleString('en')} test`;
  return (
    `${info.trainSize.toLocaleString('en')} train · ${test} · ${info.imageShape.join('×')} · ` +
    `${info.classNames.length} classes`
  );
}
