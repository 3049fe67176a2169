/**
 * `cnn-studio export`: a graph as code or model files for another tool.
 *
 *   cnn-studio export --preset resnet18 --to pytorch --out resnet18-torch/
 *   cnn-studio export --file net.json --to tfjs --out web-model/ --weights <run model dir>
 *
 * Exit codes: 0 written; 1 the graph cannot be exported (the reason on stderr); 2 usage.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportTarget } from '../../protocol/api';
import { presetIds } from '../../presets/index';
import { loadGraphSource, UsageError } from './graph-source';

const TARGETS: readonly ExportTarget[] = ['pytorch', 'keras', 'tfjs'];

const USAGE = `Usage: cnn-studio export (--preset <id> | --file <graph.json>) --to <target> --out <dir> [--weights <dir>]

  --preset <id>     one of: ${presetIds.join(', ')}
  --file <path>     a CNN Studio graph file
  --to <target>     pytorch (model.py + train.py), keras (model_keras.py), tfjs (model.json + weights.bin)
  --out <dir>       folder to write into (created if missing)
  --weights <dir>   a trained model (model.json + weights.bin, e.g. a run's model folder) whose
                    weights to include: converted to PyTorch's layout for pytorch`;

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
      modelDir: values.weights ? resolve(values.weights) : null,
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
