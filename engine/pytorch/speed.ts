/**
 * What a PyTorch run does for speed on its device, decided once in the engine and written into
 * the run's config.json (`speed`), where runner.py's `speed_options` applies it:
 *
 * - automatic mixed precision (`--amp`, the run setting `amp`): `auto` is on for CUDA and ROCm
 *   GPUs, off on the CPU and Apple MPS. bfloat16 where the GPU has it (CUDA compute capability
 *   ≥ 8.0: Ampere and newer), else float16 with loss scaling (GradScaler); on the CPU, when asked
 *   for, bfloat16 (the only type torch's CPU autocast takes). Not on MPS (this runner targets
 *   torch ≥ 1.13, whose autocast has no MPS).
 * - on GPUs: channels-last tensors, cuDNN/MIOpen autotuning (`cudnn.benchmark`) and a pinned-memory
 *   copy to the device;
 * - on the CPU: torch threads = cores ÷ processes.
 */
import { EngineUnavailableError, type TorchDevice } from './choice';
import type { PythonReport } from './probe';

export const AMP_REQUESTS = ['auto', 'on', 'off'] as const;
/** The run setting `amp` (`--amp`). */
export type AmpRequest = (typeof AMP_REQUESTS)[number];

/** The `speed` part of config.json (runner.py reads these names). */
export interface SpeedConfig {
  /** The autocast type, or null: float32 throughout. */
  amp: 'bfloat16' | 'float16' | null;
  /** float16 needs loss scaling; bfloat16 has float32's range and does not. */
  gradScaler: boolean;
  channelsLast: boolean;
  cudnnBenchmark: boolean;
  pinMemory: boolean;
  /** torch threads per process on the CPU (cores ÷ processes); null on a GPU. */
  threads: number | null;
}

export interface SpeedInput {
  device: TorchDevice;
  amp: AmpRequest;
  processes: number;
  /** The probe's facts: CUDA devices (compute capability) and CPU cores. */
  report: Pick<PythonReport, 'cuda' | 'cpuCount'>;
}

/**
 * The speed settings of one run.
 *
 * @throws EngineUnavailableError for `amp: 'on'` on Apple MPS.
 */
export function speedSettings(input: SpeedInput): SpeedConfig {
  const gpu = input.device === 'cuda' || input.device === 'rocm';
  if (input.amp === 'on' && input.device === 'mps')
    throw new EngineUnavailableError(
      'automatic mixed precision is not available on Apple MPS with this runner (torch 1.13 autocast has no MPS); use --amp off',
    );
  const wanted = input.amp === 'on' || (input.amp === 'auto' && gpu);
  let amp: SpeedConfig['amp'] = null;
  if (wanted) amp = gpu && !hasBfloat16(input) ? 'float16' : 'bfloat16';
  return {
    amp,
    gradScaler: amp === 'float16',
    channelsLast: gpu,
    cudnnBenchmark: gpu,
    pinMemory: gpu,
    threads: input.device === 'cpu' ? Math.max(1, Math.floor(input.report.cpuCount / input.processes)) : null,
  };
}

/** bfloat16 on every GPU of the run: CUDA compute capability ≥ 8.0; ROCm GPUs get float16. */
function hasBfloat16(input: SpeedInput): boolean {
  if (input.device !== 'cuda' || input.report.cuda.length === 0) return false;
  return input.report.cuda.every((gpu) => Number.parseInt(gpu.capability, 10) >= 8);
}

/** The speed settings in words for the run's device line, e.g. `bf16 mixed precision`. */
export function speedLabel(speed: SpeedConfig): string | null {
  if (speed.amp === 'bfloat16') return 'bf16 mixed precision';
  if (speed.amp === 'float16') return 'fp16 mixed precision with loss scaling';
  return null;
}
