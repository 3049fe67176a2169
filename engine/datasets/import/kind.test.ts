import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir';
import { inferImportKind } from './kind';

const tempDir = useTempDir();

describe('inferImportKind', () => {
  it('tells CSV, IDX and image folders apart by names', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'digits.csv'), '');
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), '');
    expect(await inferImportKind(join(dir, 'digits.csv'))).toBe('csv');
    expect(await inferImportKind(join(dir, 'train-images-idx3-ubyte.gz'))).toBe('idx');
    expect(await inferImportKind(dir)).toBe('idx');

    const csvFolder = tempDir();
    writeFileSync(join(csvFolder, 'train.csv'), '');
    expect(await inferImportKind(csvFolder)).toBe('csv');

    const images = tempDir();
    mkdirSync(join(images, 'cats'));
    expect(await inferImportKind(images)).toBe('folder');
  });

  it('says what to pass when it cannot tell', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'photo.png'), '');
    await expect(inferImportKind(join(dir, 'photo.png'))).rejects.toThrow(
      /photo\.png: cannot tell its kind from the name.*give the folder of class folders, or pass the kind/,
    );
    await expect(inferImportKind(tempDir())).rejects.toThrow(/no IDX or CSV files and no class sub-folders/);
    await expect(inferImportKind(join(dir, 'nope'))).rejects.toThrow(/nope: no such file or folder/);
  });
});
