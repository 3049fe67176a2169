/**
 * Finding Python and asking it what PyTorch can do here: one small script reports the torch
 * version, CUDA devices (name, memory, compute capability), ROCm, Apple MPS and CPU threads.
 * Results are cached per interpreter; `refresh: true` asks again (after an install).
 */
import { execFile } from 'node:child_process';

/** One CUDA (or ROCm) device as torch reports it. */
export interface CudaDevice {
  name: string;
  memoryBytes: number;
  /** Compute capability, e.g. `8.6` (on ROCm torch reports the gfx major.minor). */
  capability: string;
}

/** What one interpreter said about itself and its torch. */
export interface PythonReport {
  /** The command that was run (`python3`, a path from `CNN_STUDIO_PYTHON`, …). */
  command: string;
  executable: string;
  pythonVersion: string;
  /** `null` when `import torch` failed; `torchError` then says why. */
  torch: string | null;
  torchError?: string;
  numpy: string | null;
  cuda: CudaDevice[];
  /** CUDA runtime torch was built with (`torch.version.cuda`). */
  cudaVersion: string | null;
  /** ROCm/HIP version (`torch.version.hip`): the "CUDA" devices are AMD GPUs. */
  hip: string | null;
  mps: boolean;
  cpuCount: number;
  torchThreads: number;
}

/** The probe's answer: the interpreter chosen, or the commands that were tried. */
export type TorchProbe =
  | { found: true; report: PythonReport; tried: string[] }
  | { found: false; tried: string[]; errors: string[] };

const PROBE_SCRIPT = String.raw`
import json, os, platform, sys
report = {'executable': sys.executable, 'pythonVersion': platform.python_version(), 'torch': None,
          'numpy': None, 'cuda': [], 'cudaVersion': None, 'hip': None, 'mps': False,
          'cpuCount': os.cpu_count() or 1, 'torchThreads': 0}
try:
    import numpy
    report['numpy'] = numpy.__version__
except Exception:
    pass
try:
    import torch
    report['torch'] = torch.__version__
    report['torchThreads'] = torch.get_num_threads()
    report['cudaVersion'] = torch.version.cuda
    report['hip'] = getattr(torch.version, 'hip', None)
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            p = torch.cuda.get_device_properties(i)
            report['cuda'].append({'name': p.name, 'memoryBytes': p.total_memory, 'capability': f'{p.major}.{p.minor}'})
    mps = getattr(torch.backends, 'mps', None)
    report['mps'] = bool(mps and mps.is_available())
except Exception as error:
    report['torchError'] = f'{type(error).__name__}: {error}'
print(json.dumps(report))
`;

/**
 * The interpreters to try, in order: `CNN_STUDIO_PYTHON` (or an explicit one) alone; else
 * `python3` and `python` on PATH, then Linux's system `/usr/bin/python3` (where Debian's
 * `python3-torch` lives when a pyenv or venv `python3` comes first on PATH).
 */
export function pythonCandidates(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const chosen = explicit ?? env.CNN_STUDIO_PYTHON;
  if (chosen) return [chosen];
  return platform === 'linux' ? ['python3', 'python', '/usr/bin/python3'] : ['python3', 'python'];
}

/** Runs the probe script with one interpreter. Rejects when it cannot run at all. */
export function runProbeScript(command: string, timeoutMs = 60_000): Promise<PythonReport> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', PROBE_SCRIPT], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ command, ...(JSON.parse(line) as Omit<PythonReport, 'command'>) });
      } catch {
        reject(
          new Error(error ? error.message.split('\n')[0] : `unexpected probe output: ${line.slice(0, 200)}`),
        );
      }
    });
  });
}

export interface ProbeOptions {
  /** An interpreter to use instead of the search (`--python`). */
  python?: string;
  /** Ask again instead of answering from the cache. */
  refresh?: boolean;
  /** Replaces `runProbeScript` (tests). */
  run?: (command: string) => Promise<PythonReport>;
}

const cache = new Map<string, Promise<TorchProbe>>();

/**
 * Probes the candidates in order and settles on the first whose torch imports; when none
 * has torch, on the first Python found (its report says why torch is missing).
 */
export function probeTorch(options: ProbeOptions = {}): Promise<TorchProbe> {
  const candidates = pythonCandidates(options.python);
  const key = candidates.join('\0');
  if (!options.refresh && !options.run && cache.has(key)) return cache.get(key)!;
  const pending = probeCandidates(candidates, options.run ?? ((command) => runProbeScript(command)));
  if (!options.run) cache.set(key, pending);
  return pending;
}

/** Asks each interpreter in turn (see `probeTorch`). */
export async function probeCandidates(
  candidates: string[],
  run: (command: string) => Promise<PythonReport>,
): Promise<TorchProbe> {
  let firstWithoutTorch: PythonReport | null = null;
  const errors: string[] = [];
  for (const command of candidates) {
    try {
      const report = await run(command);
      if (report.torch) return { found: true, report, tried: candidates };
      firstWithoutTorch ??= report;
    } catch (error) {
      errors.push(`${command}: ${(error as Error).message}`);
    }
  }
  return firstWithoutTorch
    ? { found: true, report: firstWithoutTorch, tried: candidates }
    : { found: false, tried: candidates, errors };
}
