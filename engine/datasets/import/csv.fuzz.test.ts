/**
 * Fuzz: generated CSV files — well-formed grids with odd cells mixed in (hex, exponents,
 * signs, blanks, out-of-range numbers, text, quotes, unicode), ragged rows, headers, CRLF and
 * blank lines, and random text. Each must import or fail with a DatasetImportError naming the
 * file (and, for a bad value, a row that exists), quickly and without writing elsewhere.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanImport, fuzzCase, fuzzRuns } from '../test-support/fuzz';

const goodCell = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.double({ min: 0, max: 255, noNaN: true }).map((v) => v.toFixed(2)),
);
const oddCell = fc.oneof(
  fc.constantFrom(
    '0x10',
    '1e2',
    '+5',
    '-1',
    '-0',
    '256',
    '',
    ' ',
    'NaN',
    'Infinity',
    '"7"',
    '٣',
    '0b1',
    '1_0',
    '07 8',
  ),
  fc.string({ maxLength: 6 }),
);
const cell = fc.oneof({ weight: 12, arbitrary: goodCell }, { weight: 1, arbitrary: oddCell });

/** Rows of a label and 4 or 12 pixels (2×2 grey or RGB), sometimes ragged. */
const grid = fc
  .record({
    pixels: fc.constantFrom(4, 12, 5),
    rows: fc.integer({ min: 1, max: 12 }),
    header: fc.boolean(),
    crlf: fc.boolean(),
  })
  .chain(({ pixels, rows, header, crlf }) =>
    fc
      .array(
        fc.tuple(
          fc.oneof(
            { weight: 10, arbitrary: fc.integer({ min: 0, max: 3 }).map(String) },
            { weight: 1, arbitrary: oddCell },
          ),
          fc.array(cell, { minLength: pixels - 1, maxLength: pixels + 1 }),
          fc.boolean(),
        ),
        { minLength: rows, maxLength: rows },
      )
      .map((lines) => {
        const text = lines.map(
          ([label, values, blankAfter]) => [label, ...values].join(',') + (blankAfter ? '\n' : ''),
        );
        if (header)
          text.unshift(['label', ...Array.from({ length: pixels }, (_, i) => `pixel${i}`)].join(','));
        return text.join(crlf ? '\r\n' : '\n');
      }),
  );

const csvText = fc.oneof(
  { weight: 5, arbitrary: grid },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

describe('CSV import fuzz', () => {
  it('imports or refuses every generated file, naming the file and an existing row', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const fuzz = fuzzCase();
        try {
          const file = join(fuzz.source, 'data.csv');
          writeFileSync(file, text);
          const { error } = await expectCleanImport(fuzz, 'csv', file);
          if (error) {
            expect(error.message.startsWith(`${file}: `), error.message).toBe(true);
            const lines = text.split('\n').length;
            if (error.position) {
              expect(error.position.row).toBeGreaterThanOrEqual(1);
              expect(error.position.row).toBeLessThanOrEqual(lines);
              expect(error.message).toContain(`row ${error.position.row}`);
            }
          }
        } finally {
          fuzz.dispose();
        }
      }),
      fuzzRuns(80),
    );
  });

  it('never accepts a cell that is not a plain decimal 0–255', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('0x10', '1e2', '+5', '-1', 'Infinity', '256', '0b1', ' ', '1_0'),
        fc.integer({ min: 1, max: 4 }),
        async (bad, column) => {
          const fuzz = fuzzCase();
          try {
            const cells = ['1', '2', '3', '4'];
            cells[column - 1] = bad;
            const file = join(fuzz.source, 'data.csv');
            writeFileSync(file, `0,5,5,5,5\n1,${cells.join(',')}\n`);
            const { error } = await expectCleanImport(fuzz, 'csv', file);
            expect(error?.position).toEqual({ row: 2, column: column + 1 });
          } finally {
            fuzz.dispose();
          }
        },
      ),
      fuzzRuns(20),
    );
  });
});
