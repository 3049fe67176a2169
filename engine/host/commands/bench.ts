/**
 * `cnn-studio bench`: steady-state training speed of a preset (warm-up batches excluded), the
 * batch pipeline's speed, and — where Debian's PyTorch is installed — the same network in
 * PyTorch on the same machine, with the ratio ours / PyTorch.
 *
 *   cnn-studio bench --preset lenet [--batch-size 256] [--seconds 10] [--backend wasm] [--json]
 *   cnn-studio bench --all [--json]     (lenet, bn-lenet, resnet18 at 96×96; `npm run bench`)
 *   cnn-studio bench --preset bn-lenet --engine pytorch [--epochs 2] [--processes 2] [--limit n]
 *
 * With --engine pytorch it measures the PyTorch engine against the book's hand-written PyTorch
 * code instead (engine/pytorch/bench.ts): training step, epoch time on the real dataset,
 * start-up and accuracy, and says which of the targets are met.
 *
 * --json prints one object per preset: {"preset","backend","device","batchSize","imagesPerSecond",
 * "pipelineImagesPerSecond","pytorchImagesPerSecond"?,"ratio"?} (with --all, a JSON array).
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '../../backends/select';
import { benchPipeline } from '../../datasets/index';
import { getPreset, isPresetId, presetIds } from '../../presets/index';
import { benchHealthCost, benchTraining, type HealthCostResult } from '../../train/bench/training-bench';
import { benchTorch, torchAvailable, torchModels, type TorchModel } from '../../train/bench/torch-reference';
import { parseNumber, UsageError } from './graph-source';
import { benchPyTorchEngine, pytorchBenchText, pytorchTargets } from '../../pytorch/bench';
import { resolveDataDir } from '../data-dir';

const USAGE = `Usage: cnn-studio bench (--preset <id> | --all) [options]

  --preset <id>       one of: ${presetIds.join(', ')}
  --all               lenet, bn-lenet and resnet18 (96×96, few batches) as a table
  --batch-size <n>    batch size (default: the preset's; 16 for resnet18 with --all)
  --seconds <s>       time to measure after warm-up (default 10; 5 per preset with --all)
  --backend <name>    force a backend (tensorflow, wasm, cpu, …)
  --no-torch          skip the PyTorch comparison
  --json              JSON instead of text

  --engine pytorch    the PyTorch engine vs the book's PyTorch code (lenet, bn-lenet, resnet18):
                      training step, then real runs on the preset's dataset through the engine
    --epochs <n>      epochs of each run (default 1)
    --processes <n>   also run with n processes (torchrun, DDP)
    --limit <n>       train on at most n images (default: the whole dataset)
    --python <path>   the interpreter (default: CNN_STUDIO_PYTHON, python3, python)`;

export interface BenchRow {
  preset: string;
  backend: string;
  /** e.g. `CPU (WebAssembly SIMD, 2 threads)`. */
  device: string;
  batchSize: number;
  imagesPerSecond: number;
  /** The batch pipeline (bytes → normalized floats) at this preset's input size. */
  pipelineImagesPerSecond: number;
  pytorchImagesPerSecond?: number;
  /** ours / PyTorch. */
  ratio?: number;
  pytorchError?: string;
  /** bn-lenet only: training speed with and without training-health samples. */
  healthCost?: HealthCostResult;
}

const ALL: Array<{ preset: string; batchSize?: number; seconds?: number }> = [
  { preset: 'lenet' },
  { preset: 'bn-lenet' },
  { preset: 'resnet18', batchSize: 16, seconds: 5 },
];

async function benchOne(
  preset: string,
  options: {
    batchSize?: number;
    seconds: number;
    backend?: string;
    torch: boolean;
    progress: (text: string) => void;
  },
): Promise<BenchRow> {
  const graph = getPreset(preset);
  const batchSize = options.batchSize ?? graph.training.batchSize;
  const { tf, info } = await selectBackend({ ...(options.backend ? { force: options.backend } : {}) });
  options.progress(
    `${preset}: training ${options.seconds}s at batch ${batchSize} on ${info.name} — ${info.device}…`,
  );
  const ours = await benchTraining(tf, graph, {
    batchSize,
    seconds: options.seconds,
    warmupBatches: preset === 'resnet18' ? 1 : 2,
  });
  const side = graph.nodes.find((node) => node.type === 'input')?.params.height;
  const pipeline = await benchPipeline({ minMilliseconds: 400, batchSize });
  const pipelineImagesPerSecond =
    side === 224
      ? pipeline.imagesPerSecond224
      : side === 96
        ? pipeline.imagesPerSecond96
        : pipeline.imagesPerSecond28;
  const row: BenchRow = {
    preset,
    backend: info.name,
    device: info.device,
    batchSize,
    imagesPerSecond: ours.imagesPerSecond,
    pipelineImagesPerSecond,
  };
  if (options.torch && (torchModels as readonly string[]).includes(preset)) {
    options.progress(`${preset}: PyTorch…`);
    try {
      const torch = await benchTorch(preset, batchSize, options.seconds, preset === 'resnet18' ? 1 : 2);
      row.pytorchImagesPerSecond = torch.imagesPerSecond;
      row.ratio = ours.imagesPerSecond / torch.imagesPerSecond;
    } catch (error) {
      row.pytorchError = (error as Error).message;
    }
  }
  if (preset === 'bn-lenet') {
    // The target: health samples cost < 5% of BN-LeNet's images/s.
    options.progress(`${preset}: training with and without training-health samples…`);
    row.healthCost = await benchHealthCost(tf, graph, { batchSize, seconds: options.seconds });
  }
  return row;
}

/** The training-health cost line of a row, e.g. `bn-lenet training health: 1,010 img/s with, …`. */
export function healthCostLine(row: BenchRow): string | null {
  const health = row.healthCost;
  if (!health) return null;
  const percent = (health.cost * 100).toFixed(1);
  return (
    `${row.preset} training health: ${fmt(health.healthImagesPerSecond)} img/s with, ${fmt(health.plainImagesPerSecond)} without → ${percent}% (target < 5%); ` +
    `a sampled step takes ${fmt(health.sampledStepMs)} ms, a plain one ${fmt(health.stepMs)} ms (${health.samples} samples), one every ${fmt(health.intervalSeconds, 1)} s of training`
  );
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function benchTable(rows: readonly BenchRow[]): string {
  const header = [
    'preset',
    'backend',
    'batch',
    'train img/s',
    'pipeline img/s',
    'PyTorch img/s',
    'ours/PyTorch',
  ];
  const body = rows.map((r) => [
    r.preset,
    r.backend,
    String(r.batchSize),
    fmt(r.imagesPerSecond, r.imagesPerSecond < 100 ? 1 : 0),
    fmt(r.pipelineImagesPerSecond),
    fmt(r.pytorchImagesPerSecond, (r.pytorchImagesPerSecond ?? 0) < 100 ? 1 : 0),
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        preset: { type: 'string' },
        all: { type: 'boolean', default: false },
        'batch-size': { type: 'string' },
        seconds: { type: 'string' },
        backend: { type: 'string' },
        'no-torch': { type: 'boolean', default: false },
        engine: { type: 'string' },
        epochs: { type: 'string' },
        processes: { type: 'string' },
        limit: { type: 'string' },
        python: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (values.all === (values.preset !== undefined)) throw new UsageError('give --preset <id> or --all');
    if (values.preset !== undefined && !isPresetId(values.preset)) {
      throw new UsageError(`unknown preset "${values.preset}"; the presets are: ${presetIds.join(', ')}`);
    }
  } catch (error) {
    console.error(`cnn-studio bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let batchSize: number | undefined;
  let seconds: number | undefined;
  try {
    batchSize = parseNumber('--batch-size', values['batch-size'], 'int', 1);
    seconds = parseNumber('--seconds', values.seconds, 'float', 0);
  } catch (error) {
    console.error(`cnn-studio bench: ${(error as Error).message}`);
    return 2;
  }
  const json = values.json;
  const progress = (text: string) => {
    if (!json) process.stderr.write(`${text}\n`);
  };
  if (values.engine !== undefined && values.engine !== 'tfjs') {
    return benchEngine(values, { batchSize, seconds, json, progress });
  }
  let torch = !values['no-torch'];
  if (torch) {
    const available = await torchAvailable();
    if ('reason' in available) {
      progress(`PyTorch comparison skipped: ${available.reason}`);
      torch = false;
    } else progress(`PyTorch ${available.version} found: comparing on the same machine (2 threads).`);
  }
  const plans = values.all ? ALL : [{ preset: values.preset as string }];
  const rows: BenchRow[] = [];
  for (const plan of plans) {
    rows.push(
      await benchOne(plan.preset, {
        batchSize: batchSize ?? plan.batchSize,
        seconds: seconds ?? plan.seconds ?? (values.all ? 5 : 10),
        ...(values.backend ? { backend: values.backend } : {}),
        torch,
        progress,
      }),
    );
  }
  if (json) console.log(JSON.stringify(values.all ? rows : rows[0]));
  else {
    console.log(benchTable(rows));
    for (const row of rows) {
      const line = healthCostLine(row);
      if (line) console.log(line);
    }
    for (const row of rows)
      if (row.pytorchError) console.log(`${row.preset}: PyTorch failed: ${row.pytorchError}`);
  }
  return 0;
}

/** `bench --engine pytorch`: the PyTorch engine against the book's code (engine/pytorch/bench.ts). */
async function benchEngine(
  values: {
    engine?: string;
    preset?: string;
    all?: boolean;
    epochs?: string;
    processes?: string;
    limit?: string;
    python?: string;
  },
  options: {
    batchSize: number | undefined;
    seconds: number | undefined;
    json: boolean;
    progress: (text: string) => void;
  },
): Promise<number> {
  let epochs: number;
  let processes: number;
  let limit: number | undefined;
  const preset = values.preset as TorchModel;
  try {
    if (values.engine !== 'pytorch')
      throw new UsageError(`--engine must be tfjs or pytorch, got "${values.engine}"`);
    if (values.all || !(torchModels as readonly string[]).includes(preset))
      throw new UsageError(
        `--engine pytorch benchmarks one preset the book wrote PyTorch code for: --preset ${torchModels.join(' | ')}`,
      );
    epochs = parseNumber('--epochs', values.epochs, 'int', 1) ?? 1;
    processes = parseNumber('--processes', values.processes, 'int', 1) ?? 1;
    limit = parseNumber('--limit', values.limit, 'int', 1);
  } catch (error) {
    console.error(`cnn-studio bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const report = await benchPyTorchEngine({
      preset,
      dataDir: resolveDataDir(),
      epochs,
      processes,
      seconds: options.seconds ?? 10,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(limit ? { limit } : {}),
      ...(values.python ? { python: values.python } : {}),
      progress: options.progress,
    });
    if (options.json) console.log(JSON.stringify({ ...report, targets: pytorchTargets(report) }));
    else console.log(pytorchBenchText(report));
    return 0;
  } catch (error) {
    console.error(`cnn-studio bench: ${(error as Error).message}`);
    return 1;
  }
}
