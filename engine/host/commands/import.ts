/**
 * `cnn-studio import`: a Keras / TensorFlow.js layers `model.json` → a CNN Studio graph file.
 *
 *   cnn-studio import model.json --out my-graph.json [--allow-invalid]
 *
 * Layers with no CNN Studio node are listed on stderr (the graph is wired through them).
 * The graph is checked as CNN Studio reads it: repairs (a layer with no name, a value Keras
 * has a default for) are named on stderr and kept in the file's `meta.importRepairs`; a
 * graph still invalid is written only with `--allow-invalid`, and the problems are listed
 * either way.
 * Exit codes: 0 written and valid; 1 the file is not a layers model; 2 usage; 3 the graph
 * is not valid (nothing written, or written because of `--allow-invalid`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importLayersModel } from '../../export/import-keras';
import { checkImportedGraph } from '../../export/import-repair';
import { serializeGraphDocument } from '../../graph/serialize';

const USAGE = `Usage: cnn-studio import <model.json> --out <graph.json> [--allow-invalid]

  --allow-invalid   write the graph even when CNN Studio finds problems in it (to fix them
                    in the editor); the exit code is still 3`;

/** Exit code of a graph that is not valid. */
const EXIT_INVALID = 3;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        'allow-invalid': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
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
  const out = parsed.values.out;
  if (!input || !out || parsed.positionals.length > 1) {
    console.error(`cnn-studio import: give one model.json and --out <graph.json>\n\n${USAGE}`);
    return 2;
  }
  try {
    const { document: imported, unmapped } = importLayersModel(await readFile(input, 'utf8'));
    const { document, repairs, problems } = checkImportedGraph(imported);
    for (const line of unmapped) console.error(`cnn-studio import: not mapped: ${line}`);
    for (const line of repairs) console.error(`cnn-studio import: repaired: ${line}`);
    const notMapped = unmapped.length ? `, ${unmapped.length} layer(s) not mapped` : '';
    if (problems.length === 0 && document) {
      await writeFile(out, serializeGraphDocument(document));
      console.log(`Wrote ${out}: ${document.nodes.length} nodes${notMapped}`);
      return 0;
    }
    const write = parsed.values['allow-invalid'] === true && document !== null;
    console.error(`cnn-studio import: ${input}: the imported graph is not valid:`);
    for (const line of problems) console.error(`  - ${line}`);
    if (write) {
      await writeFile(out, serializeGraphDocument(document));
      console.error(
        `cnn-studio import: wrote ${out} anyway (--allow-invalid): open it to fix the problems above`,
      );
    } else {
      console.error(
        document
          ? `cnn-studio import: nothing written; --allow-invalid writes it anyway, to fix in the editor`
          : `cnn-studio import: nothing written: the graph cannot be saved as a CNN Studio file`,
      );
    }
    return EXIT_INVALID;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      `cnn-studio import: ${input}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
    return 1;
  }
}
