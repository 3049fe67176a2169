/**
 * Where `auto` trains, counting the window's GPU: a pure function of what the engine's probe
 * says `auto` would get there (`probeEngines`) and what this window's GPUs are.
 *
 * Order: a real GPU in the engine (tfjs-node-gpu, then PyTorch's CUDA/ROCm/MPS — the engine's
 * own `auto` already orders those two), then the window's WebGPU, then its WebGL; a software
 * adapter (SwiftShader, lavapipe, llvmpipe, WARP) never counts as a GPU. With no GPU
 * anywhere, the engine's CPU choice. The backend line names what was taken and why each
 * faster option was passed over.
 */
import type { BackendInfo, EngineReport } from '../../../engine/protocol/api';
import { chooseWindowBackend, type WindowBackendName, type WindowGpuProbe } from './adapter-choice';

export type AutoPlacement =
  | { where: 'engine'; backend: BackendInfo }
  | { where: 'window'; backend: BackendInfo & { name: WindowBackendName } }
  | { where: 'none'; error: string };

/** What the engine's probe says about `auto`. */
export interface EngineAutoFacts {
  /** The report's `auto` choice: the backend a run would get, or why it would be refused. */
  choice: EngineReport['choices']['auto'];
  /** Whether that choice is on a GPU (the report's `gpuAdvice` is null only then). */
  onGpu: boolean;
}

/**
 * Decides `auto`. `window` is null while the window has not been probed (or cannot be):
 * then the engine's choice stands.
 */
export function chooseAutoPlacement(engine: EngineAutoFacts, window: WindowGpuProbe | null): AutoPlacement {
  const engineBackend = engine.choice.backend;
  if (engineBackend && engine.onGpu) {
    const passedOver = window ? windowSkips(window, `the engine has a GPU (${engineBackend.device})`) : [];
    return {
      where: 'engine',
      backend: { ...engineBackend, skipped: [...engineBackend.skipped, ...passedOver] },
    };
  }
  const engineSkip = {
    name: engineBackend?.name ?? 'engine',
    reason: engineBackend
      ? `the engine has no GPU (it would train on ${engineBackend.device})`
      : (engine.choice.error ?? 'the engine cannot train'),
  };
  const decision = window ? chooseWindowBackend('auto', window) : null;
  if (decision?.ok) {
    const { name, device, skipped } = decision.choice;
    return {
      where: 'window',
      backend: {
        name,
        device: `${device}, in the window`,
        skipped: [engineSkip, ...skipped],
        patchedKernels: [],
      },
    };
  }
  if (engineBackend) {
    return {
      where: 'engine',
      backend: { ...engineBackend, skipped: [...engineBackend.skipped, ...(decision?.skipped ?? [])] },
    };
  }
  return { where: 'none', error: engine.choice.error ?? 'No training engine is available.' };
}

/** The window's backends, each with why it was not taken (`reason` when it was usable). */
function windowSkips(window: WindowGpuProbe, reason: string): Array<{ name: string; reason: string }> {
  return (['webgpu', 'webgl'] as const).map((name) => {
    const decision = chooseWindowBackend(name, window);
    if (!decision.ok) return { name, reason: decision.skipped[0]?.reason ?? decision.message };
    return { name, reason: decision.choice.software ? `${decision.choice.device}` : reason };
  });
}
