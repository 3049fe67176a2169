/**
 * The engine flags of `cnn-studio train` (`--engine auto|tfjs|pytorch --processes N
 * --device cuda|rocm|mps|cpu --python PATH`) and a job runner with `runTrainingJob`'s shape
 * that trains on the chosen engine.
 */
import { resolve } from 'node:path';
import { runTrainingJob, type JobOutcome, type RunnerOptions, type TrainingJob } from '../train/runner';
import {
  chooseEngine,
  ENGINE_REQUESTS,
  TORCH_DEVICES,
  type EngineChoice,
  type EngineName,
  type EngineRequest,
  type TorchDevice,
} from './choice';
import { tfjsGpuFacts } from './engines';
import { preparePyTorchRun, pytorchLauncher } from './launcher';
import { probeTorch } from './probe';
import { AMP_REQUESTS, type AmpRequest } from './speed';
import { runWithLauncher } from './run-job';

export const ENGINE_USAGE = `  --engine <name>        ${ENGINE_REQUESTS.join(' | ')} (default tfjs): auto takes a GPU on either engine,
                         else PyTorch on the CPU when torch imports, else tfjs
  --processes <n>        PyTorch: processes on this machine (torchrun, DistributedDataParallel)
  --device <name>        PyTorch: ${TORCH_DEVICES.join(' | ')} (default: the best one found)
  --amp <on|off>         PyTorch: automatic mixed precision (default: on for CUDA/ROCm GPUs, off
                         on the CPU): bf16 where the GPU has it, else fp16 with loss scaling
  --python <path>        PyTorch: the interpreter (default: CNN_STUDIO_PYTHON, python3, python)
  --nodes <n> --rdzv-endpoint <host:port> --out <dir>
                         PyTorch on several machines: write a self-contained run folder to
                         <dir>, print the torchrun command for each other node, and train
                         node 0 here (host:port is this machine; its progress is shown)`;

/** parseArgs option specs of the engine flags. */
export const ENGINE_OPTIONS = {
  engine: { type: 'string' },
  processes: { type: 'string' },
  device: { type: 'string' },
  amp: { type: 'string' },
  python: { type: 'string' },
  nodes: { type: 'string' },
  'rdzv-endpoint': { type: 'string' },
  out: { type: 'string' },
} as const;

export interface EngineSelection {
  requested: EngineRequest;
  processes: number;
  device?: TorchDevice;
  /** `--amp on|off`; absent: auto (on for CUDA and ROCm GPUs). */
  amp?: AmpRequest;
  python?: string;
  /** Several machines: prepare `out` and print each node's command instead of training. */
  nodes?: { count: number; endpoint: string; out: string };
}

/** Reads the engine flags; `usage(message)` makes the error for a wrong one. */
export function parseEngineFlags(
  values: {
    engine?: string;
    processes?: string;
    device?: string;
    amp?: string;
    python?: string;
    nodes?: string;
    'rdzv-endpoint'?: string;
    out?: string;
  },
  usage: (message: string) => Error,
): EngineSelection {
  const requested = (values.engine ?? 'tfjs') as EngineRequest;
  if (!ENGINE_REQUESTS.includes(requested))
    throw usage(`--engine must be one of ${ENGINE_REQUESTS.join(', ')}, got "${values.engine}"`);
  const device = values.device as TorchDevice | undefined;
  if (device !== undefined && !TORCH_DEVICES.includes(device))
    throw usage(`--device must be one of ${TORCH_DEVICES.join(', ')}, got "${values.device}"`);
  const processes = values.processes === undefined ? 1 : Number(values.processes);
  if (!Number.isInteger(processes) || processes < 1)
    throw usage(`--processes must be a whole number ≥ 1, got "${values.processes}"`);
  const amp = values.amp as AmpRequest | undefined;
  if (amp !== undefined && !AMP_REQUESTS.includes(amp))
    throw usage(`--amp must be on, off or auto, got "${values.amp}"`);
  if (
    requested === 'tfjs' &&
    (device !== undefined || processes > 1 || values.python !== undefined || amp !== undefined)
  )
    throw usage(
      '--device, --processes, --amp and --python are PyTorch settings: add --engine pytorch (or auto)',
    );
  let nodes: EngineSelection['nodes'];
  if (values.nodes !== undefined) {
    const count = Number(values.nodes);
    const endpoint = values['rdzv-endpoint'];
    if (!Number.isInteger(count) || count < 2)
      throw usage(`--nodes must be a whole number ≥ 2, got "${values.nodes}"`);
    if (requested !== 'pytorch') throw usage('--nodes needs --engine pytorch');
    if (!endpoint || !/^[^\s:]+:\d+$/.test(endpoint))
      throw usage('--nodes needs --rdzv-endpoint <host:port> (node 0, reachable from every node)');
    if (!values.out) throw usage('--nodes needs --out <dir>: the run folder to copy to every node');
    nodes = { count, endpoint, out: resolve(values.out) };
  }
  return {
    requested,
    processes,
    ...(nodes ? { nodes } : {}),
    ...(device ? { device } : {}),
    ...(amp ? { amp } : {}),
    ...(values.python ? { python: values.python } : {}),
  };
}

/** What trained: for the `--json` done line. */
export interface EngineUsed {
  engine: EngineName;
  /** PyTorch's device (`cpu`, `cuda`, …) or the tfjs backend's device. */
  device: string | null;
  processes: number;
}

/**
 * `runTrainingJob` on the selected engine. Stops requested on `options.control` reach Python
 * within 100 ms (the control is polled; Python pauses and stops at batch ends).
 */
export async function runJobOnEngine(
  job: TrainingJob,
  options: RunnerOptions,
  selection: EngineSelection,
  /** Several machines: where the folder is and what to run on the other nodes, said before node 0 starts. */
  announce: (text: string) => void = () => undefined,
): Promise<{ outcome: JobOutcome; used: EngineUsed }> {
  let choice: EngineChoice | null = null;
  if (selection.requested !== 'tfjs') {
    try {
      choice = chooseEngine({
        requested: selection.requested,
        torch: await probeTorch(selection.python ? { python: selection.python } : {}),
        tfjs: selection.requested === 'auto' ? await tfjsGpuFacts() : { gpu: null },
        ...(selection.device ? { device: selection.device } : {}),
      });
    } catch (error) {
      const message = (error as Error).message;
      options.emit({ kind: 'failed', runId: job.runId, message });
      return {
        outcome: { status: 'failed', message },
        used: { engine: 'pytorch', device: null, processes: 1 },
      };
    }
  }
  if (!choice || choice.engine === 'tfjs') {
    let device: string | null = null;
    const outcome = await runTrainingJob(job, {
      ...options,
      emit: (event) => {
        if (event.kind === 'started') {
          device = event.backend.device;
          if (choice)
            event = {
              ...event,
              backend: { ...event.backend, skipped: [...choice.skipped, ...event.backend.skipped] },
            };
        }
        options.emit(event);
      },
    });
    return { outcome, used: { engine: 'tfjs', device, processes: 1 } };
  }
  const { nodes } = selection;
  const launcher = pytorchLauncher({
    choice,
    processes: selection.processes,
    ...(selection.amp ? { amp: selection.amp } : {}),
    ...(selection.python ? { python: selection.python } : {}),
    ...(nodes
      ? {
          nodes,
          workDir: nodes.out,
          onPrepared: ({ workDir, nodeCommands }) =>
            announce(nodeInstructions(workDir, nodeCommands, nodes.endpoint)),
        }
      : {}),
  });
  const multiNodeJob = nodes ? { ...job, checkpointDir: null, resumeFrom: null, finalModelDir: null } : job;
  const run = runWithLauncher(launcher, { job: multiNodeJob, dataDir: options.dataDir }, options);
  const control = options.control;
  const forwardStop = control
    ? setInterval(() => {
        if (control.stopRequested) {
          run.send({ type: 'stop' });
          clearInterval(forwardStop!);
        }
      }, 100)
    : null;
  try {
    const outcome = await run.outcome;
    return { outcome, used: { engine: 'pytorch', device: choice.device, processes: selection.processes } };
  } finally {
    if (forwardStop) clearInterval(forwardStop);
  }
}

/**
 * Several machines: writes the self-contained run folder and returns what to print: copy the
 * folder to every node, then run each node's torchrun command there (node 0 first; its output
 * is the run's events, its `checkpoint/` and `model/` the results).
 */
export async function prepareNodes(
  job: TrainingJob,
  dataDir: string,
  selection: EngineSelection,
): Promise<string> {
  const nodes = selection.nodes!;
  const choice = chooseEngine({
    requested: 'pytorch',
    torch: await probeTorch(selection.python ? { python: selection.python } : {}),
    tfjs: { gpu: null },
    ...(selection.device ? { device: selection.device } : {}),
  });
  const { workDir, nodeCommands } = await preparePyTorchRun(
    { job: { ...job, checkpointDir: null, resumeFrom: null, finalModelDir: null }, dataDir },
    {
      choice,
      processes: selection.processes,
      workDir: nodes.out,
      nodes,
      ...(selection.amp ? { amp: selection.amp } : {}),
    },
  );
  return [
    `Run folder: ${workDir}`,
    `Copy it to the same place on every node (e.g. rsync -a ${workDir}/ NODE:${workDir}/), then run there:`,
    ...nodeCommands.map((command, rank) => `  node ${rank}: cd ${workDir} && ${command}`),
    `Each node needs Python with torch ≥ 1.13 and numpy; node 0 must be reachable at ${nodes.endpoint}.`,
    'Node 0 prints the run events as JSON lines; checkpoint/ and model/ appear in its folder.',
  ].join('\n');
}

/** What to do on the other nodes while node 0 trains here (`train --nodes`). */
export function nodeInstructions(workDir: string, nodeCommands: string[], endpoint: string): string {
  return [
    `Run folder: ${workDir}. Node 0 trains here and reports this run's progress.`,
    `Copy the folder to the same place on every other node (e.g. rsync -a ${workDir}/ NODE:${workDir}/), then run there:`,
    ...nodeCommands.slice(1).map((command, i) => `  node ${i + 1}: cd ${workDir} && ${command}`),
    `Each node needs Python with torch ≥ 1.13 and numpy, and must reach node 0 at ${endpoint}.`,
    `Waiting for the other nodes to join; checkpoint/ and model/ will be in ${workDir}.`,
  ].join('\n');
}
