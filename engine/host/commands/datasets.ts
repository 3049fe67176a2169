/**
 * `cnn-studio datasets`: lists the built-in and imported datasets.
 *
 *   cnn-studio datasets [--json]
 *
 * With --json, one JSON array of DatasetInfo on stdout.
 */
import { parseArgs } from 'node:util';
import { listDatasets } from '../../datasets/index';
import { resolveDataDir } from '../data-dir';

const USAGE = `Usage: cnn-studio datasets [--json]

Lists the datasets training can use (ids for \`cnn-studio train --dataset\`).
  --json   print a JSON array instead of the table`;

export async function run(args: string[]): Promise<number> {
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
    d.testSize.toLocaleString('en-US'),
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
