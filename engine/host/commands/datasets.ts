/**
 * `cnn-studio datasets`: lists the built-in and imported datasets, or imports one.
 *
 *   cnn-studio datasets [--json]
 *   cnn-studio datasets import PATH [--name NAME] [--kind folder|idx|csv] [--json]
 *
 * With --json, listing prints one JSON array of DatasetInfo, importing the new DatasetInfo.
 */
import { parseArgs } from 'node:util';
import type { DatasetImportRequest, DatasetInfo } from '../../protocol/api';
import { DatasetImportError, importDataset, inferImportKind, listDatasets } from '../../datasets/index';
import { resolveDataDir } from '../data-dir';

const USAGE = `Usage: cnn-studio datasets [--json]
       cnn-studio datasets import PATH [--name NAME] [--kind folder|idx|csv] [--json]

Lists the datasets training can use (ids for \`cnn-studio train --dataset\`), or imports one:
  PATH     a folder of class folders (PNG/JPEG; optional train/ and test/), IDX files
           (a folder or one …-idx3-ubyte[.gz] file), or CSV (label,pixels… per row)
  --name   the dataset's name (default: the file or folder name); its id is made from it
  --kind   folder, idx or csv (default: guessed from PATH)
  --json   print JSON instead of the table`;

const KINDS: ReadonlyArray<DatasetImportRequest['kind']> = ['folder', 'idx', 'csv'];

/** How many test images, in words: "none" makes a missing test set impossible to overlook. */
const testSizeText = (info: DatasetInfo): string =>
  info.testSize === 0 ? 'none' : info.testSize.toLocaleString('en-US');

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'import') return runImport(args.slice(1));
  let json: boolean;
  try {
    const { values } = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    json = values.json;
  } catch (error) {
    console.error(`cnn-studio datasets: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const datasets = await listDatasets({ dataDir: resolveDataDir() });
  if (json) {
    console.log(JSON.stringify(datasets));
    return 0;
  }
  const rows = datasets.map((d) => [
    d.id,
    d.name,
    d.source === 'imported' ? `imported from ${d.path ?? '?'}` : 'built in',
    d.trainSize.toLocaleString('en-US'),
    testSizeText(d),
    d.imageShape.join('×'),
    String(d.classNames.length),
  ]);
  const header = ['id', 'name', 'source', 'train', 'test', 'image h×w×c', 'classes'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i >= 3 && i !== 5 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(format(row));
  return 0;
}

function parseImportArgs(args: string[]): {
  request?: Partial<DatasetImportRequest>;
  json: boolean;
  help: boolean;
} {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      kind: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { json: false, help: true };
  if (positionals.length !== 1) {
    throw new TypeError(`give exactly one PATH to import (got ${positionals.length})`);
  }
  const kind = values.kind as DatasetImportRequest['kind'] | undefined;
  if (kind !== undefined && !KINDS.includes(kind)) {
    throw new TypeError(`--kind must be one of ${KINDS.join(', ')}, got "${values.kind}"`);
  }
  return {
    request: {
      path: positionals[0],
      ...(kind ? { kind } : {}),
      ...(values.name ? { name: values.name } : {}),
    },
    json: values.json,
    help: false,
  };
}

async function runImport(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (error) {
    console.error(`cnn-studio datasets import: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help || !parsed.request?.path) {
    console.log(USAGE);
    return 0;
  }
  const { path, name } = parsed.request;
  try {
    const kind = parsed.request.kind ?? (await inferImportKind(path));
    const info = await importDataset(
      { path, kind, ...(name ? { name } : {}) },
      { dataDir: resolveDataDir() },
    );
    if (parsed.json) console.log(JSON.stringify(info));
    else printImported(info, kind);
    return 0;
  } catch (error) {
    if (!(error instanceof DatasetImportError)) throw error;
    console.error(`cnn-studio datasets import: ${error.message}`);
    return 1;
  }
}

const MAX_CLASSES_SHOWN = 20;

function printImported(info: DatasetInfo, kind: DatasetImportRequest['kind']): void {
  const classes = info.classNames.slice(0, MAX_CLASSES_SHOWN).join(', ');
  const more = info.classNames.length > MAX_CLASSES_SHOWN ? `, … (${info.classNames.length} in all)` : '';
  const test =
    info.testSize === 0
      ? 'no test images (runs on it report no test set)'
      : `${info.testSize.toLocaleString('en-US')} test images`;
  console.log(`Imported "${info.name}" (${kind}) from ${info.path ?? '?'}`);
  console.log(`  id       ${info.id}`);
  console.log(
    `  images   ${info.trainSize.toLocaleString('en-US')} train, ${test}, each ${info.imageShape.join('×')}`,
  );
  console.log(`  classes  ${info.classNames.length}: ${classes}${more}`);
  console.log(
    `Train on it: cnn-studio train --dataset ${info.id} --file <graph.json> ` +
      `(a graph whose output has ${info.classNames.length} units)`,
  );
}
