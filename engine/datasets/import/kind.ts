/**
 * Guessing what kind of import a path is, for `cnn-studio datasets import` without `--kind`:
 * a `.csv` file or a folder with CSV files is `csv`; an IDX file (`…idx3-ubyte[.gz]`) or a
 * folder holding one is `idx`; any other folder with sub-folders is an image `folder`.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DatasetImportRequest } from '../../protocol/api';
import { DatasetImportError } from './import-error';

type ImportKind = DatasetImportRequest['kind'];

const IDX_NAME = /idx[13]|-ubyte(\.gz)?$/i;

/** The import kind `path` looks like; a `DatasetImportError` saying what to pass if unclear. */
export async function inferImportKind(path: string): Promise<ImportKind> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new DatasetImportError(path, 'no such file or folder.');
  if (info.isFile()) {
    if (extname(path).toLowerCase() === '.csv') return 'csv';
    if (IDX_NAME.test(path)) return 'idx';
    throw new DatasetImportError(
      path,
      'cannot tell its kind from the name: a file is imported as CSV (.csv) or IDX (…-idx3-ubyte[.gz]); ' +
        'for images, give the folder of class folders, or pass the kind.',
    );
  }
  const entries = await readdir(path, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (files.some((name) => IDX_NAME.test(name))) return 'idx';
  if (files.some((name) => extname(name).toLowerCase() === '.csv')) return 'csv';
  if (entries.some((e) => e.isDirectory() && !e.name.startsWith('.'))) return 'folder';
  throw new DatasetImportError(
    path,
    'cannot tell its kind: it holds no IDX or CSV files and no class sub-folders.',
  );
}
