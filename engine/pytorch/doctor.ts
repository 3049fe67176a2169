/**
 * `cnn-studio doctor [--json] [--python PATH]`: every training engine and backend this
 * machine has, what each request (`auto`, `tfjs`, `pytorch`) would train on and why the
 * others were not picked, and what to install to train on a GPU. The same report answers
 * the editor's `probeEngines`.
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '../backends/select';
import type { BackendInfo, EngineReport } from '../protocol/api';
import {
  chooseEngine,
  ENGINE_REQUESTS,
  gpuAdvice,
  torchGpus,
  torchUnavailable,
  type EngineRequest,
} from './choice';
import { tfjsGpuFacts } from './engines';
import { probeTorch, type TorchProbe } from './probe';

/** The report with the facts behind it (for `--json` and tests). */
export interface DoctorReport extends EngineReport {
  tfjs: BackendInfo;
  torch: TorchProbe;
}

/** Probes both engines (the PyTorch probe again when `refresh`) and says what each request gets. */
export async function engineReport(
  options: { refresh?: boolean; python?: string } = {},
): Promise<DoctorReport> {
  const [torch, tfjsFacts, tfjs] = await Promise.all([
    probeTorch({
      ...(options.python ? { python: options.python } : {}),
      ...(options.refresh ? { refresh: true } : {}),
    }),
    tfjsGpuFacts(),
    selectBackend().then(({ info }) => info),
  ]);
  const choices = {} as EngineReport['choices'];
  for (const requested of ENGINE_REQUESTS) {
    try {
      const choice = chooseEngine({ requested, torch, tfjs: tfjsFacts });
      const backend: BackendInfo =
        choice.engine === 'tfjs'
          ? { ...tfjs, skipped: [...choice.skipped, ...tfjs.skipped] }
          : {
              name: 'pytorch',
              device: `${choice.deviceLabel}, PyTorch ${torch.found ? torch.report.torch : ''}`,
              skipped: choice.skipped,
              patchedKernels: [],
            };
      choices[requested] = { backend, error: null };
    } catch (error) {
      choices[requested] = { backend: null, error: (error as Error).message };
    }
  }
  const onGpu =
    tfjsFacts.gpu !== null ||
    (torch.found && torchUnavailable(torch) === null && torchGpus(torch.report).length > 0);
  return { choices, gpuAdvice: onGpu ? null : gpuAdvice(torch.found ? torch.report : null), tfjs, torch };
}

function describeTorch(torch: TorchProbe): string[] {
  if (!torch.found)
    return [`  no Python found (tried ${torch.tried.join(', ')})`, ...torch.errors.map((e) => `    ${e}`)];
  const r = torch.report;
  const lines = [
    `  python: ${r.executable} (Python ${r.pythonVersion})${r.command !== r.executable ? `, found as ${r.command}` : ''}`,
    `  torch: ${r.torch ?? `not importable${r.torchError ? ` (${r.torchError})` : ''}`}, numpy: ${r.numpy ?? 'missing'}`,
  ];
  if (r.torch) {
    const build = r.hip ? `ROCm ${r.hip}` : r.cudaVersion ? `CUDA ${r.cudaVersion}` : 'CPU-only';
    lines.push(`  build: ${build}`);
    lines.push(
      r.cuda.length === 0
        ? `  GPUs: none visible`
        : `  GPUs: ${r.cuda.map((d, i) => `#${i} ${d.name}, ${(d.memoryBytes / 2 ** 30).toFixed(1)} GB, compute ${d.capability}`).join('; ')}`,
    );
    lines.push(`  Apple MPS: ${r.mps ? 'yes' : 'no'}`);
    lines.push(`  CPU: ${r.cpuCount} cores (runs use them all; torch alone would use ${r.torchThreads})`);
  }
  return lines;
}

function describeBackend(backend: BackendInfo): string[] {
  return [
    `  ${backend.name} — ${backend.device}`,
    ...backend.skipped.map((s) => `    not ${s.name}: ${s.reason}`),
  ];
}

/** The report in words. */
export function doctorText(report: DoctorReport): string {
  const lines = [
    'TensorFlow.js (built in; the default engine)',
    ...describeBackend(report.tfjs),
    '',
    'PyTorch',
  ];
  lines.push(...describeTorch(report.torch));
  const problem = torchUnavailable(report.torch);
  if (problem) lines.push(`  cannot train: ${problem}`);
  for (const requested of ENGINE_REQUESTS as readonly EngineRequest[]) {
    const { backend, error } = report.choices[requested];
    lines.push('', `--engine ${requested}:`);
    if (backend) lines.push(...describeBackend(backend));
    else lines.push(`  refused: ${error}`);
  }
  lines.push(
    '',
    report.gpuAdvice ? `No GPU in use. To train on one: ${report.gpuAdvice}.` : 'A GPU is in use.',
  );
  return lines.join('\n');
}

const USAGE = `Usage: cnn-studio doctor [--json] [--python <path>]

Prints every training engine and backend this machine has, what --engine auto|tfjs|pytorch
would train on and why, and what to install to train on a GPU.`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        python: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`cnn-studio doctor: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const report = await engineReport(values.python ? { python: values.python } : {});
  console.log(values.json ? JSON.stringify(report, null, 1) : doctorText(report));
  return 0;
}
