/**
 * `cnn-studio import`: a Keras / TensorFlow.js layers `model.json` → a CNN Studio graph file.
 *
 *   cnn-studio import model.json --out my-graph.json
 *
 * Layers with no CNN Studio node are listed on stderr (the graph is wired through them).
 * Exit codes: 0 written; 1 the file is not a layers model; 2 usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importLayersModel } from '../../export/import-keras';
import { serializeGraphDocument } from '../../graph/serialize';

const USAGE = `Usage: cnn-studio import <model.json> --out <graph.json>`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`cnn-studio import: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [input] = parsed.positionals;
  if (!input || !parsed.values.out || parsed.positionals.length > 1) {
    console.error(`cnn-studio import: give one model.json and --out <graph.json>\n\n${USAGE}`);
    return 2;
  }
  try {
    const { document, unmapped } = importLayersModel(await readFile(input, 'utf8'));
    await writeFile(parsed.values.out, serializeGraphDocument(document));
    for (const line of unmapped) console.error(`cnn-studio import: not mapped: ${line}`);
    console.log(
      `Wrote ${parsed.values.out}: ${document.nodes.length} nodes${unmapped.length ? `, ${unmapped.length} layer(s) not mapped` : ''}`,
    );
    return 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      `cnn-studio import: ${input}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
    return 1;
  }
}
