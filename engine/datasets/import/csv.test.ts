import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir';
import { importCsv, parseImageCsv, shapeForPixelCount } from './csv';
import { DatasetImportError } from './import-error';

const tempDir = useTempDir();
const row = (label: number, value: number, pixels = 4): string =>
  [label, ...Array(pixels).fill(value)].join(',');

describe('CSV import', () => {
  it('parses rows with or without a header', () => {
    const withHeader = parseImageCsv(['label,p1,p2,p3,p4', row(1, 9), row(0, 255), ''].join('\n'), 'a.csv');
    expect(withHeader).toMatchObject({ count: 2, height: 2, width: 2, channels: 1 });
    expect([...withHeader.labels]).toEqual([1, 0]);
    expect([...withHeader.images]).toEqual([9, 9, 9, 9, 255, 255, 255, 255]);
    expect(parseImageCsv(`${row(2, 3)}\r\n${row(1, 4)}\r\n`, 'b.csv').count).toBe(2);
  });

  it('infers grey or RGB squares from the pixel count', () => {
    expect(shapeForPixelCount(784)).toEqual({ side: 28, channels: 1 });
    expect(shapeForPixelCount(3 * 32 * 32)).toEqual({ side: 32, channels: 3 });
    expect(shapeForPixelCount(10)).toBeNull();
    expect(() => parseImageCsv(row(0, 1, 10), 'c.csv')).toThrow(
      /c\.csv: row 1: has 10 pixel values, which is not a square/,
    );
  });

  it('names the row and value of a bad pixel or label', () => {
    const text = ['label,a,b,c,d', row(0, 1), '1,2,x,4,5'].join('\n');
    expect(() => parseImageCsv(text, 'd.csv')).toThrow(
      /d\.csv: row 3, column 3: value "x" is not a pixel value 0–255/,
    );
    expect(() => parseImageCsv([row(0, 1), row(0, 300)].join('\n'), 'e.csv')).toThrow(
      /row 2, column 2: value "300"/,
    );
    expect(() => parseImageCsv([row(0, 1), '-1,1,1,1,1'].join('\n'), 'f.csv')).toThrow(
      /f\.csv: row 2, column 1: label "-1" is not a class index/,
    );
  });

  it('names a row with the wrong pixel count', () => {
    expect(() => parseImageCsv([row(0, 1), row(0, 1), '1,2,3'].join('\n'), 'g.csv')).toThrow(
      /g\.csv: row 3: has 2 pixel values, expected 4 as in row 1/,
    );
  });

  it('imports one file split per class, or a folder with train.csv and test.csv', async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 20 }, (_, i) => row(i % 2, i));
    writeFileSync(join(dir, 'all.csv'), lines.join('\n'));
    const single = await importCsv(join(dir, 'all.csv'));
    expect([single.train.count, single.test.count]).toEqual([16, 4]);
    expect(single.classNames).toEqual(['0', '1']);

    const split = join(dir, 'split');
    mkdirSync(split);
    writeFileSync(join(split, 'train.csv'), lines.join('\n'));
    writeFileSync(join(split, 'test.csv'), [row(2, 0), row(1, 0)].join('\n'));
    const both = await importCsv(split);
    expect([both.train.count, both.test.count]).toEqual([20, 2]);
    expect(both.classNames).toEqual(['0', '1', '2']);
  });

  it('accepts only plain decimal numbers: no hex, exponents, signs or infinities', () => {
    for (const value of ['0x10', '1e2', '+5', '-0', 'Infinity', '0b1', '1_0', '12 3']) {
      const text = [row(0, 1), `1,2,${value},4,5`].join('\n');
      expect(() => parseImageCsv(text, 'h.csv'), value).toThrow(
        new RegExp(
          `h\\.csv: row 2, column 3: value "${value.replace('+', '\\+')}" is not a pixel value 0–255`,
        ),
      );
    }
    expect(() => parseImageCsv([row(0, 1), '0x1,1,1,1,1'].join('\n'), 'i.csv')).toThrow(
      /i\.csv: row 2, column 1: label "0x1" is not a class index/,
    );
    // A first row with a bad label is data with an error, not a header to skip silently.
    expect(() => parseImageCsv(['0x10,1,2,3,4', row(0, 1)].join('\n'), 'j.csv')).toThrow(
      /j\.csv: row 1, column 1: label "0x10"/,
    );
    expect([...parseImageCsv('1, 12.6 ,.5,3.,0', 'k.csv').images]).toEqual([13, 1, 3, 0]);
  });

  it('raises DatasetImportError with the row and column', () => {
    const error = (() => {
      try {
        parseImageCsv([row(0, 1), '1,2,3,x,5'].join('\n'), 'l.csv');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatasetImportError);
    expect(error).toMatchObject({ file: 'l.csv', position: { row: 2, column: 4 } });
  });

  it('refuses more pixels than the dataset cap before allocating them', () => {
    const text = Array.from({ length: 5 }, () => row(0, 1)).join('\n');
    expect(() =>
      parseImageCsv(text, 'm.csv', { limits: { maxImagePixels: 4, maxDatasetPixels: 16 } }),
    ).toThrow(/m\.csv: 5 images of 4 pixels make 20 pixels; at most 16 pixels per dataset/);
    expect(() =>
      parseImageCsv(text, 'm.csv', { limits: { maxImagePixels: 3, maxDatasetPixels: 100 } }),
    ).toThrow(/m\.csv: the image is 2×2 = 4 pixels; at most 3 pixels per image/);
  });

  it('reads a folder whose test.csv has no rows as a dataset with no test images', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), [row(0, 1), row(1, 2)].join('\n'));
    writeFileSync(join(dir, 'test.csv'), 'label,a,b,c,d\n');
    const { train, test } = await importCsv(dir);
    expect(train.count).toBe(2);
    expect(test).toMatchObject({ count: 0, height: 2, width: 2, channels: 1 });
    await expect(importCsv(tempDir())).rejects.toThrow(/: no train\.csv in this folder/);
  });
});
