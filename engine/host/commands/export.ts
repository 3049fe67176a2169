/**
 * `cnn-studio export`: a graph as code or model files for another tool.
 *
 *   cnn-studio export --preset resnet18 --to pytorch --out resnet18-torch/
 *   cnn-studio export --file net.json --to tfjs --out web-model/ --weights <run model dir>
 *   cnn-studio export --preset lenet --to onnx --out lenet-onnx/ [--run <id>]
 *
 * Exit codes: 0 written; 1 the graph cannot be exported (the reason on stderr); 2 usage.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportTarget } from '../../protocol/api';
import { presetIds } from '../../presets/index';
import { loadGraphSource, UsageError } from './graph-source';

const TARGETS: readonly ExportTarget[] = ['pytorch', 'keras', 'tfjs', 'onnx'];

const USAGE = `Usage: cnn-studio export (--preset <id> | --file <graph.json>) --to <target> --out <dir> [--weights <dir> | --run <id>]

  --preset <id>     one of: ${presetIds.join(', ')}
  --file <path>     a CNN Studio graph file
  --to <target>     pytorch (model.py + train.py), keras (model_keras.py), tfjs (model.json + weights.bin),
                    onnx (model.onnx: opset 13, NCHW input, the weights inside)
  --out <dir>       folder to write into (created if missing)
  --weights <dir>   a trained model (model.json + weights.bin, e.g. a run's model folder) whose
                    weights to include: converted to PyTorch's layout for pytorch
  --run <id>        the same, from a finished run in the data folder (CNN_STUDIO_DATA_DIR)`;

/** The model folder whose weights to export: `--weights <dir>`, a run's, or none (fresh weights). */
async function weightsDir(weights: string | undefined, runId: string | undefined): Promise<string | null> {
  if (weights && runId) throw new UsageError('give --weights <dir> or --run <id>, not both');
  if (weights) return resolve(weights);
  if (!runId) return null;
  const { resolveDataDir } = await import('../data-dir');
  const { runPaths } = await import('../../train/run-store');
  const { MODEL_FILE } = await import('../../train/model-files');
  const dir = runPaths(resolveDataDir(), runId).model;
  if (!existsSync(join(dir, MODEL_FILE)))
    throw new Error(
      `run "${runId}" has no saved model in ${dir} (it has not finished an epoch, or the id is wrong)`,
    );
  return dir;
}

export async function run(args: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      options: {
        preset: { type: 'string' },
        file: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        weights: { type: 'string' },
        run: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const target = values.to as ExportTarget | undefined;
    if (!target || !TARGETS.includes(target))
      throw new UsageError(
        `--to must be one of ${TARGETS.join(', ')}${values.to ? `, got "${values.to}"` : ''}`,
      );
    if (!values.out) throw new UsageError('--out <dir> is required');
    const graph = await loadGraphSource({ preset: values.preset, file: values.file });

    const { exportModel } = await import('../model-export');
    const files = await exportModel(graph, target, {
      modelDir: await weightsDir(values.weights, values.run),
    });
    await mkdir(values.out, { recursive: true });
    for (const file of files) {
      await writeFile(
        join(values.out, file.path),
        file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content,
      );
    }
    console.log(`Wrote ${files.map((f) => f.path).join(', ')} to ${values.out}`);
    return 0;
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`cnn-studio export: ${(error as Error).message}${usage ? `\n\n${USAGE}` : ''}`);
    return usage ? 2 : 1;
  }
}
