/**
 * `cnn-studio import`: a Keras / TensorFlow.js layers model → a CNN Studio graph file, with
 * its weights when they are at hand.
 *
 *   cnn-studio import model.json --out my-graph.json [--input-size 224] [--output <layer>]
 *   cnn-studio import keras_model.h5 --out my-graph.json
 *   cnn-studio import model.keras --out my-graph.json
 *   cnn-studio import model.onnx --out my-graph.json
 *
 * Reads tfjs model.json (tfjs-layers 0.x to 4.x), Keras `to_json` files (Keras 2.0 to 3.x)
 * Keras `.h5` files and Keras 3 `.keras` archives. Weights: the shards a model.json's
 * `weightsManifest` names, when they sit beside it, or an `.h5` or `.keras` file's; they are written as a model folder
 * (model.json + weights.bin) beside the graph (`--weights-out` to choose), which the graph
 * names in `meta.importedWeights` and `cnn-studio export --weights <folder>` reads. Weights
 * that do not fit the topology are refused naming the weight, and nothing is written.
 *
 * Blocks the graph holds (ResNet bottlenecks, MobileNet inverted residuals, …) are folded
 * (engine/graph/fold.ts) unless `--no-fold`.
 *
 * Layers with no CNN Studio node are listed on stderr (the graph is wired through them).
 * The graph is checked as CNN Studio reads it: repairs are named on stderr and kept in the
 * file's `meta.importRepairs`; a graph still invalid (a model with several outputs and no
 * `--output`, too) is written only with `--allow-invalid`, and the problems are listed.
 * Exit codes: 0 written and valid; 1 the files are not a model we read (or the weights do
 * not fit); 2 usage (an unknown input size without `--input-size` too); 3 the graph is not
 * valid (nothing written, or written because of `--allow-invalid`).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputSizeNeededError } from '../../export/import-keras';
import {
  IMPORTED_WEIGHTS_META_KEY,
  WeightMismatchError,
  type ImportedWeightsRef,
} from '../../export/imported-weights';
import { serializeGraphDocument } from '../../graph/serialize';
import {
  importModelFiles,
  saveImportedWeights,
  type ImportFilesOptions,
  type ModelFile,
} from '../import-model';

const USAGE = `Usage: cnn-studio import <model.json | model.h5 | model.keras | model.onnx> --out <graph.json> [options]

  Formats: TensorFlow.js model.json (tfjs-layers 0.x–4.x), Keras to_json / .keras config
  (Keras 2.0–3.x), Keras .h5 and Keras 3 .keras (topology and weights), ONNX .onnx (opset 7 and later, as
  torch.onnx.export and model zoos write them; topology and weights).

  --out <graph.json>      the graph file to write
  --input-size <n|hxw>    image size for an input the file leaves unknown (224 or 224x160)
  --output <layer>        of a model with several outputs, the head to keep and train
  --weights-out <dir>     where to write the imported weights (default: <graph>.weights
                          beside the graph); weights are read from the shards beside
                          model.json or from the .h5 / .keras file
  --no-fold               keep one node per layer (by default the book's blocks — bottleneck,
                          inverted residual, … — are recognised and folded; unfold them in the editor)
  --allow-invalid         write the graph even when CNN Studio finds problems in it (to fix
                          them in the editor); the exit code is still 3`;

/** Exit code of a graph that is not valid. */
const EXIT_INVALID = 3;

class UsageError extends Error {}

/** `224` or `224x160` as [height, width]. */
export function parseInputSize(text: string): [number, number] {
  const match = /^(\d+)(?:[x×](\d+))?$/i.exec(text.trim());
  const size = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [];
  if (size.length !== 2 || !size.every((n) => n >= 1 && n <= 4096))
    throw new UsageError(`--input-size must be a size like 224 or 224x160 (1 to 4096), got "${text}"`);
  return size as [number, number];
}

/** The model file and, for a model.json with a weights manifest, the shards beside it. */
async function modelFiles(input: string): Promise<ModelFile[]> {
  const main: ModelFile = { name: basename(input), bytes: new Uint8Array(await readFile(input)) };
  if (!/\.json$/i.test(input)) return [main];
  let manifest: unknown;
  try {
    manifest = (JSON.parse(new TextDecoder().decode(main.bytes)) as { weightsManifest?: unknown })
      .weightsManifest;
  } catch {
    return [main]; // the importer says what is wrong with the JSON
  }
  if (!Array.isArray(manifest)) return [main];
  const wanted = new Set(
    manifest.flatMap((group: { paths?: unknown }) =>
      Array.isArray(group?.paths) ? group.paths.map(String) : [],
    ),
  );
  const beside = new Set(await readdir(dirname(resolve(input))));
  const shards: ModelFile[] = [];
  for (const path of wanted) {
    const name = basename(path);
    if (beside.has(name))
      shards.push({ name, bytes: new Uint8Array(await readFile(join(dirname(resolve(input)), name))) });
  }
  return [main, ...shards];
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  let options: ImportFilesOptions;
  try {
    parsed = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        'input-size': { type: 'string' },
        output: { type: 'string' },
        'weights-out': { type: 'string' },
        'allow-invalid': { type: 'boolean' },
        'no-fold': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    const size = parsed.values['input-size'];
    options = {
      ...(size !== undefined ? { inputSize: parseInputSize(size) } : {}),
      ...(parsed.values.output !== undefined ? { output: parsed.values.output } : {}),
      ...(parsed.values['no-fold'] ? { fold: false } : {}),
    };
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
    console.error(`cnn-studio import: give one model file and --out <graph.json>\n\n${USAGE}`);
    return 2;
  }
  try {
    const files = await modelFiles(input);
    const { selectBackend } = await import('../../backends/select');
    const { tf } = await selectBackend();
    const imported = importModelFiles(tf, files, options);
    const { document, repairs, problems, unmapped, weights } = imported;
    for (const line of unmapped) console.error(`cnn-studio import: not mapped: ${line}`);
    for (const line of repairs) console.error(`cnn-studio import: repaired: ${line}`);
    for (const layer of imported.unusedWeights)
      console.error(`cnn-studio import: weights not used: layer ${layer} is not in the graph`);
    const notMapped = unmapped.length ? `, ${unmapped.length} layer(s) not mapped` : '';
    const write = problems.length === 0 || parsed.values['allow-invalid'] === true;
    if (!document || !write) {
      console.error(`cnn-studio import: ${input}: the imported graph is not valid:`);
      for (const line of problems) console.error(`  - ${line}`);
      console.error(
        document
          ? `cnn-studio import: nothing written; --allow-invalid writes it anyway, to fix in the editor`
          : `cnn-studio import: nothing written: the graph cannot be saved as a CNN Studio file`,
      );
      return EXIT_INVALID;
    }
    let weightsNote = '';
    if (weights && problems.length === 0) {
      const folder = resolve(
        parsed.values['weights-out'] ?? out.replace(/(\.cnn)?\.json$/i, '') + '.weights',
      );
      await saveImportedWeights(tf, document, weights, folder);
      const ref: ImportedWeightsRef = {
        folder: relative(dirname(resolve(out)), folder) || '.',
        source: imported.weightsSource ?? basename(input),
      };
      document.meta = { ...document.meta, [IMPORTED_WEIGHTS_META_KEY]: ref };
      weightsNote = `; weights from ${ref.source} in ${folder}`;
    } else if (weights) {
      console.error('cnn-studio import: weights not written: the graph has problems to fix first');
    }
    await writeFile(out, serializeGraphDocument(document));
    if (problems.length === 0) {
      console.log(`Wrote ${out}: ${document.nodes.length} nodes${notMapped}${weightsNote}`);
      return 0;
    }
    console.error(`cnn-studio import: ${input}: the imported graph is not valid:`);
    for (const line of problems) console.error(`  - ${line}`);
    console.error(
      `cnn-studio import: wrote ${out} anyway (--allow-invalid): open it to fix the problems above`,
    );
    return EXIT_INVALID;
  } catch (error) {
    if (error instanceof InputSizeNeededError) {
      console.error(`cnn-studio import: ${input}: ${error.message}; rerun with --input-size <n> or <h>x<w>`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const what = error instanceof WeightMismatchError ? `the weights do not fit: ${error.message}` : null;
    console.error(
      `cnn-studio import: ${input}: ${code === 'ENOENT' ? 'no such file' : (what ?? (error as Error).message)}`,
    );
    return 1;
  }
}
