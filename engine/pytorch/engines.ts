/**
 * Per-run engine choice for the run manager: `tfjs` (the embedded default, nothing to
 * install), `pytorch`, or `auto`. A resumed run keeps the engine it was trained on. A run
 * PyTorch cannot take is refused before anything starts, naming what to install or the
 * node the PyTorch generator cannot express.
 */
import { createRequire } from 'node:module';
import { selectBackend } from '../backends/select';
import { planExport } from '../export/plan';
import { pytorchModelSource } from '../export/pytorch-model';
import { torchWeightTargets } from '../export/pytorch-weights';
import type { GraphDocument } from '../graph/document';
import type { BackendInfo, RunRecord, StartRunRequest } from '../protocol/api';
import type { JobLauncher } from '../train/job-messages';
import { chooseEngine, type EngineChoice, type EngineRequest, type TfjsFacts } from './choice';
import { pytorchLauncher, type PyTorchLaunchOptions } from './launcher';
import { probeTorch } from './probe';
import { speedSettings } from './speed';

/** What tfjs-node-gpu offers here, without loading tfjs when it is not even installed. */
export async function tfjsGpuFacts(): Promise<TfjsFacts> {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    return {
      gpu: null,
      gpuUnavailable: 'tfjs-node-gpu is not installed (it needs Linux with CUDA 11.2 and cuDNN 8.1)',
    };
  }
  const { info } = await selectBackend();
  if (info.name === 'tensorflow' && /gpu/i.test(info.device)) return { gpu: info.device };
  const reason = info.skipped.find((entry) => entry.name === 'tensorflow-gpu')?.reason ?? 'it sees no GPU';
  return { gpu: null, gpuUnavailable: `tfjs-node-gpu: ${reason}` };
}

/** The engine a run asked for; a resumed run keeps the engine of its record. */
export function requestedEngine(request: StartRunRequest, resumed: RunRecord | null): EngineRequest {
  if (resumed) return resumed.backend?.name === 'pytorch' ? 'pytorch' : 'tfjs';
  return request.engine ?? 'tfjs';
}

/**
 * Refuses a graph the PyTorch generator cannot express, naming the node (ExportError), before
 * any process starts.
 */
export function checkPyTorchRunnable(graph: GraphDocument): void {
  const plan = planExport(graph);
  pytorchModelSource(plan);
  torchWeightTargets(plan);
}

/** Adds the engine choice's reasons to the tfjs backend the run reports. */
function withEngineReasons(launcher: JobLauncher, choice: EngineChoice): JobLauncher {
  return (start, onMessage, onExit) =>
    launcher(
      start,
      (message) => {
        if (message.type === 'event' && message.event.kind === 'started') {
          const backend: BackendInfo = {
            ...message.event.backend,
            skipped: [...choice.skipped, ...message.event.backend.skipped],
          };
          onMessage({ ...message, event: { ...message.event, backend } });
        } else onMessage(message);
      },
      onExit,
    );
}

export interface EngineChooserOptions {
  /** The tfjs launcher (the run manager's worker threads). */
  tfjs: JobLauncher;
  /** PyTorch settings for every run (interpreter, device, processes). */
  pytorch?: Omit<PyTorchLaunchOptions, 'choice'>;
  /** Replaces the tfjs-node-gpu check (tests). */
  tfjsFacts?: () => Promise<TfjsFacts>;
}

/** The run manager's `chooseLauncher`: one launcher per run, by its engine. */
export function engineLauncherChooser(
  options: EngineChooserOptions,
): (request: StartRunRequest, resumed: RunRecord | null) => Promise<JobLauncher> {
  return async (request, resumed) => {
    const requested = requestedEngine(request, resumed);
    if (requested === 'tfjs') return options.tfjs;
    const pytorch = options.pytorch ?? {};
    const [torch, tfjs] = await Promise.all([
      probeTorch(pytorch.python ? { python: pytorch.python } : {}),
      requested === 'auto' ? (options.tfjsFacts ?? tfjsGpuFacts)() : Promise.resolve({ gpu: null }),
    ]);
    const choice = chooseEngine({
      requested,
      torch,
      tfjs,
      ...(pytorch.device ? { device: pytorch.device } : {}),
    });
    if (choice.engine === 'tfjs') return withEngineReasons(options.tfjs, choice);
    checkPyTorchRunnable(resumed?.graph ?? request.graph);
    const amp = request.amp ?? pytorch.amp ?? 'auto';
    if (torch.found) speedSettings({ device: choice.device!, amp, processes: 1, report: torch.report }); // refuses amp on MPS before launch
    return pytorchLauncher({ ...pytorch, choice, amp });
  };
}
