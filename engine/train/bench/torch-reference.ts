/**
 * Runs the PyTorch reference benchmark (reference/torch_bench.py) with Debian's Python,
 * where torch is installed, so `cnn-studio bench` can print ours / PyTorch. The network is
 * the preset as the PyTorch exporter writes it (model.py, and train.py's loss), so the
 * reference is exactly the exported model rather than a third hand-written copy.
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

export interface TorchResult {
  imagesPerSecond: number;
  batches: number;
  torch: string;
}

function run(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `${PYTHON} ${args.join(' ')} failed: ${stderr.trim().split('\n').at(-1) ?? error.message}`,
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
  const modelDir = await mkdtemp(join(tmpdir(), 'cnn-studio-torch-bench-'));
  try {
    for (const file of exportCode(getPreset(model), 'pytorch'))
      await writeFile(join(modelDir, file.path), file.content);
    return await runBench(script, modelDir, model, batchSize, seconds, warmup);
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
