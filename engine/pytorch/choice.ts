/**
 * Which engine and device a run trains on. Pure: the facts come in (the PyTorch probe, and
 * whether tfjs-node-gpu sees a GPU), the choice and its reasons go out.
 *
 * `auto`: a GPU when any engine has one (tfjs-node-gpu's first, then PyTorch's CUDA, ROCm or
 * MPS); otherwise PyTorch on the CPU when torch imports (several times faster than
 * WebAssembly); otherwise tfjs. Every engine not picked is listed with the reason.
 */
import type { PythonReport, TorchProbe } from './probe';

export const ENGINE_REQUESTS = ['auto', 'tfjs', 'pytorch'] as const;
export type EngineRequest = (typeof ENGINE_REQUESTS)[number];
export type EngineName = Exclude<EngineRequest, 'auto'>;

export const TORCH_DEVICES = ['cuda', 'rocm', 'mps', 'cpu'] as const;
/** Where PyTorch computes. ROCm is driven through torch's `cuda` device. */
export type TorchDevice = (typeof TORCH_DEVICES)[number];

/** The oldest torch the runner is written for. */
export const MIN_TORCH: readonly [number, number] = [1, 13];

/** What tfjs can offer, as far as the choice needs it. */
export interface TfjsFacts {
  /** The GPU tfjs-node-gpu trains on, or null with the reason it does not. */
  gpu: string | null;
  gpuUnavailable?: string;
}

export interface EngineChoice {
  engine: EngineName;
  /** PyTorch's device; null for tfjs (its backend is chosen by engine/backends). */
  device: TorchDevice | null;
  /** torch's own device string: `cuda`, `mps` or `cpu`. */
  torchDevice: 'cuda' | 'mps' | 'cpu' | null;
  /** What runs, in words: `PyTorch 2.3.0 on CUDA GPU (NVIDIA RTX 4090, 24 GB, compute 8.9)`. */
  label: string;
  /** The device part of the label: `CPU (2 cores)`, `Apple GPU (MPS)`; for tfjs, its GPU or null. */
  deviceLabel: string | null;
  /** The engines (and PyTorch devices) not picked, each with the reason. */
  skipped: Array<{ name: string; reason: string }>;
}

/** A request that cannot be met here; the message names what to install or choose. */
export class EngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError'; // already phrased for people (engine/train/failures.ts)
  }
}

export interface ChoiceInput {
  requested: EngineRequest;
  /** A PyTorch device asked for (`--device`); default: the best one the probe found. */
  device?: TorchDevice;
  torch: TorchProbe;
  tfjs: TfjsFacts;
}

const INSTALL_TORCH =
  'install PyTorch ≥ 1.13 for that Python (pip install torch, or on Debian/Ubuntu apt install python3-torch)';

/** Why PyTorch cannot train here, or null when it can. */
export function torchUnavailable(probe: TorchProbe): string | null {
  if (!probe.found)
    return `no Python found (tried ${probe.tried.join(', ')}); install Python 3 and PyTorch ≥ 1.13, or set CNN_STUDIO_PYTHON to an interpreter that has torch`;
  const { report } = probe;
  if (!report.torch)
    return `${report.command} (Python ${report.pythonVersion}) cannot import torch${report.torchError ? ` (${report.torchError})` : ''}; ${INSTALL_TORCH}`;
  if (!atLeast(report.torch, MIN_TORCH))
    return `${report.command} has torch ${report.torch}, older than ${MIN_TORCH.join('.')}; upgrade it (pip install -U torch)`;
  if (!report.numpy) return `${report.command} has torch but not numpy; install numpy (pip install numpy)`;
  return null;
}

/** Whether a version string such as `1.13.0a0+git` or `2.3.1+cu121` is at least `minimum`. */
export function atLeast(version: string, minimum: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split(/[.+]/).map((part) => Number.parseInt(part, 10));
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/** The GPU devices PyTorch has here, best first. */
export function torchGpus(report: PythonReport): Array<{ device: TorchDevice; describe: string }> {
  const gpus: Array<{ device: TorchDevice; describe: string }> = [];
  if (report.cuda.length > 0) {
    const names = report.cuda.map((d) => `${d.name}, ${Math.round(d.memoryBytes / 2 ** 30)} GB`).join('; ');
    const count = report.cuda.length > 1 ? `${report.cuda.length} GPUs: ` : '';
    gpus.push(
      report.hip
        ? { device: 'rocm', describe: `ROCm GPU (${count}${names})` }
        : { device: 'cuda', describe: `CUDA GPU (${count}${names}, compute ${report.cuda[0].capability})` },
    );
  }
  if (report.mps) gpus.push({ device: 'mps', describe: 'Apple GPU (MPS)' });
  return gpus;
}

function cpuLabel(report: PythonReport): string {
  return `CPU (${report.cpuCount} ${report.cpuCount === 1 ? 'core' : 'cores'})`;
}

/** Why `device` is not available on this PyTorch, or null when it is. */
function deviceUnavailable(report: PythonReport, device: TorchDevice): string | null {
  if (device === 'cpu') return null;
  if (torchGpus(report).some((gpu) => gpu.device === device)) return null;
  const what = { cuda: 'a CUDA GPU', rocm: 'a ROCm GPU', mps: 'Apple MPS' }[device];
  const build = report.hip
    ? `ROCm ${report.hip}`
    : report.cudaVersion
      ? `CUDA ${report.cudaVersion}`
      : 'CPU-only';
  return `torch ${report.torch} (${build} build) at ${report.command} sees no ${what.replace(/^an? /, '')}; ${gpuAdvice(report)}`;
}

/** What to install to train on a GPU, given what this PyTorch is. */
export function gpuAdvice(report: PythonReport | null): string {
  if (report?.hip) return 'check that the ROCm driver sees the GPU (rocm-smi)';
  if (report?.cudaVersion)
    return 'check the NVIDIA driver (nvidia-smi) and that CUDA_VISIBLE_DEVICES allows a GPU';
  return 'for an NVIDIA GPU install a CUDA build of PyTorch (pip install torch --index-url https://download.pytorch.org/whl/cu121), for AMD a ROCm build (…/whl/rocm6.0); on Apple silicon the standard macOS build uses MPS';
}

/**
 * Chooses the engine and device of one run.
 *
 * @throws EngineUnavailableError when `pytorch` (or a PyTorch device) is asked for and cannot
 * run here, naming what to install.
 * @example
 * chooseEngine({ requested: 'auto', torch: probe, tfjs: { gpu: null } });
 * // { engine: 'pytorch', device: 'cpu', label: 'PyTorch 1.13.0 on CPU (2 cores)', skipped: [{ name: 'tfjs', … }] }
 */
export function chooseEngine(input: ChoiceInput): EngineChoice {
  const { requested, tfjs } = input;
  const torchProblem = torchUnavailable(input.torch);
  const report = input.torch.found ? input.torch.report : null;
  const tfjsGpuReason = tfjs.gpu === null ? (tfjs.gpuUnavailable ?? 'tfjs-node-gpu sees no GPU') : null;

  if (requested === 'tfjs' || (requested === 'auto' && (tfjs.gpu !== null || torchProblem !== null))) {
    const skipped =
      requested === 'tfjs'
        ? [{ name: 'pytorch', reason: 'tfjs was asked for' }]
        : tfjs.gpu !== null
          ? [{ name: 'pytorch', reason: `tfjs-node-gpu already trains on the GPU (${tfjs.gpu})` }]
          : [{ name: 'pytorch', reason: torchProblem! }];
    return {
      engine: 'tfjs',
      device: null,
      torchDevice: null,
      label: tfjs.gpu ? `TensorFlow.js on ${tfjs.gpu}` : 'TensorFlow.js',
      deviceLabel: tfjs.gpu,
      skipped,
    };
  }
  if (torchProblem !== null || !report)
    throw new EngineUnavailableError(`PyTorch cannot train here: ${torchProblem}`);

  const gpus = torchGpus(report);
  let device: TorchDevice;
  const skipped: EngineChoice['skipped'] = [];
  if (input.device) {
    const problem = deviceUnavailable(report, input.device);
    if (problem) throw new EngineUnavailableError(problem);
    device = input.device;
  } else {
    device = gpus[0]?.device ?? 'cpu';
    if (device === 'cpu')
      skipped.push({ name: 'pytorch GPU', reason: `${deviceUnavailable(report, 'cuda')}` });
  }
  skipped.unshift({
    name: 'tfjs',
    reason:
      requested === 'pytorch'
        ? 'pytorch was asked for'
        : device === 'cpu'
          ? `${tfjsGpuReason}; PyTorch on the CPU is several times faster than WebAssembly`
          : `${tfjsGpuReason}; PyTorch has the GPU`,
  });
  const where = device === 'cpu' ? cpuLabel(report) : gpus.find((gpu) => gpu.device === device)!.describe;
  return {
    engine: 'pytorch',
    device,
    torchDevice: device === 'rocm' ? 'cuda' : device,
    label: `PyTorch ${report.torch} on ${where}`,
    deviceLabel: where,
    skipped,
  };
}
