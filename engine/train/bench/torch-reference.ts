/**
 * Runs the PyTorch reference benchmark (reference/torch_bench.py) with Debian's Python,
 * where torch is installed, so `cnn-studio bench` can print ours / PyTorch. The network is
 * the preset as the PyTorch exporter writes it (model.py, and train.py's loss), so the
 * reference is exactly the exported model rather than a third hand-written copy.
 *
 * For the PyTorch engine (`cnn-studio bench --engine pytorch`) the yardstick is the book's own
 * hand-written PyTorch code instead (book_pytorch.py next to this module): its networks and its
 * train_ch6 loop, timed against the generated model through the same timing code.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportCode } from '../../export/index';
import { getPreset, type PresetId } from '../../presets/index';

/** The interpreter that has torch here (not the pyenv python first on PATH). */
export const PYTHON = process.env.CNN_STUDIO_PYTHON ?? '/usr/bin/python3';

/** Presets `cnn-studio bench` compares with PyTorch. */
export const torchModels = ['lenet', 'bn-lenet', 'resnet18'] as const satisfies readonly PresetId[];

/** A preset the book has hand-written PyTorch code for. */
export type TorchModel = (typeof torchModels)[number];

export interface TorchResult {
  imagesPerSecond: number;
  batches: number;
  torch: string;
}

function run(args: string[], timeoutMs: number, python = PYTHON): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `${python} ${args.join(' ')} failed: ${stderr.trim().split('\n').at(-1) ?? error.message}`,
          ),
        );
      else resolve(stdout);
    });
  });
}

/** Where torch_bench.py is, from source (engine/train/bench) or from the bundle (dist/engine). */
export function torchScriptPath(): string | null {
  const candidates = [
    new URL('../reference/torch_bench.py', import.meta.url),
    new URL('../../engine/train/reference/torch_bench.py', import.meta.url),
  ].map((url) => fileURLToPath(url));
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** The torch version, or null (with the reason) when PyTorch cannot be used here. */
export async function torchAvailable(): Promise<{ version: string } | { reason: string }> {
  if (!torchScriptPath()) return { reason: 'torch_bench.py not found' };
  try {
    const version = (await run(['-c', 'import torch; print(torch.__version__)'], 60_000)).trim();
    return { version };
  } catch (error) {
    return { reason: `PyTorch is not importable by ${PYTHON}: ${(error as Error).message}` };
  }
}

/** Times the same network in PyTorch (2 threads, SGD, random data, warm-up excluded). */
export async function benchTorch(
  model: string,
  batchSize: number,
  seconds: number,
  warmup = 2,
): Promise<TorchResult> {
  const script = torchScriptPath();
  if (!script) throw new Error('torch_bench.py not found');
  return withExportedModel(model, (modelDir) =>
    runBench(script, modelDir, model, batchSize, seconds, warmup),
  );
}

/** Calls `use` with a temporary folder holding the preset as `cnn-studio export --to pytorch` writes it. */
async function withExportedModel<T>(preset: string, use: (modelDir: string) => Promise<T>): Promise<T> {
  const modelDir = await mkdtemp(join(tmpdir(), 'cnn-studio-torch-bench-'));
  try {
    for (const file of exportCode(getPreset(preset), 'pytorch'))
      await writeFile(join(modelDir, file.path), file.content);
    return await use(modelDir);
  } finally {
    await rm(modelDir, { recursive: true, force: true });
  }
}

async function runBench(
  script: string,
  modelDir: string,
  model: string,
  batchSize: number,
  seconds: number,
  warmup: number,
): Promise<TorchResult> {
  const stdout = await run(
    [
      script,
      '--model-dir',
      modelDir,
      '--name',
      model,
      '--batch-size',
      String(batchSize),
      '--seconds',
      String(seconds),
      '--warmup',
      String(warmup),
      '--threads',
      '2',
    ],
    Math.max(120_000, seconds * 20_000),
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(line) as TorchResult;
  return parsed;
}

/** Where book_pytorch.py is, from source (engine/train/bench) or from the bundle (dist/engine). */
export function bookScriptPath(): string {
  const candidates = [
    new URL('./book_pytorch.py', import.meta.url),
    new URL('../../engine/train/bench/book_pytorch.py', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`book_pytorch.py not found (looked for ${candidates.join(' and ')})`);
  return found;
}

/** Training-step speed of one network (book_pytorch.py step). */
export interface StepSpeed {
  imagesPerSecond: number;
  batches: number;
  parameters: number;
}

/** What `benchBookAndGenerated` measures: the same timing code over both networks. */
export interface StepComparison {
  generated: StepSpeed;
  book: StepSpeed;
  /** generated / book images per second (the issue asks ≥ 0.95). */
  ratio: number;
}

export interface BookRunOptions {
  batchSize: number;
  /** torch threads: the runner's (cores ÷ processes). */
  threads: number;
  python?: string;
}

/**
 * Times the training step of the book's hand-written network and of the generated model.py
 * (the preset exported), alternating generated, book, generated, book so a load change on
 * a shared machine hits both; each figure is the better of its two runs.
 */
export async function benchBookAndGenerated(
  preset: TorchModel,
  options: BookRunOptions & { seconds: number; warmup?: number },
): Promise<StepComparison> {
  const script = bookScriptPath();
  const base = [
    script,
    'step',
    '--name',
    preset,
    '--batch-size',
    String(options.batchSize),
    '--threads',
    String(options.threads),
    '--seconds',
    String(options.seconds / 2),
    '--warmup',
    String(options.warmup ?? 2),
  ];
  const timeout = Math.max(120_000, options.seconds * 20_000);
  const once = async (modelDir: string | null) =>
    JSON.parse(
      lastLine(await run(modelDir ? [...base, '--model-dir', modelDir] : base, timeout, options.python)),
    ) as StepSpeed;
  return withExportedModel(preset, async (modelDir) => {
    const runs: Array<{ generated: StepSpeed; book: StepSpeed }> = [];
    for (let i = 0; i < 2; i++) runs.push({ generated: await once(modelDir), book: await once(null) });
    const best = (pick: (r: (typeof runs)[number]) => StepSpeed) =>
      runs.map(pick).reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
    const generated = best((r) => r.generated);
    const book = best((r) => r.book);
    return { generated, book, ratio: generated.imagesPerSecond / book.imagesPerSecond };
  });
}

/** The book's train_ch6 loop on a dataset (book_pytorch.py epochs). */
export interface BookEpochs {
  /** Training-pass seconds of each epoch (evaluation excluded, as the runner's epochs). */
  epochSeconds: number[];
  images: number;
  imagesPerSecond: number;
  testAccuracy: number;
  parameters: number;
}

/** Runs the book's code for `epochs` on the engine's dataset cache file (read with runner.py's reader). */
export async function runBookEpochs(
  preset: TorchModel,
  options: BookRunOptions & {
    datasetFile: string;
    /** The engine run's image subsets (uint32 index files, as runner.py reads them); default all. */
    trainIndices?: string | null;
    testIndices?: string | null;
    runnerDir: string;
    epochs: number;
    learningRate: number;
    seed?: number;
  },
): Promise<BookEpochs> {
  const args = [
    bookScriptPath(),
    'epochs',
    '--name',
    preset,
    '--dataset',
    options.datasetFile,
    '--runner-dir',
    options.runnerDir,
    '--epochs',
    String(options.epochs),
    '--batch-size',
    String(options.batchSize),
    '--lr',
    String(options.learningRate),
    '--threads',
    String(options.threads),
    '--seed',
    String(options.seed ?? 0),
    ...(options.trainIndices ? ['--train-indices', options.trainIndices] : []),
    ...(options.testIndices ? ['--test-indices', options.testIndices] : []),
  ];
  return JSON.parse(lastLine(await run(args, 3_600_000, options.python))) as BookEpochs;
}

function lastLine(stdout: string): string {
  return stdout.trim().split('\n').at(-1) ?? '';
}
