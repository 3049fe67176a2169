/**
 * This window's GPUs as the browser reports them, probed once on the UI thread (the same
 * WebGPU adapter request and WebGL2 renderer string the training worker sees), for `auto`'s
 * choice and the backend line.
 */
import { create } from 'zustand';
import type { WindowGpuProbe } from './adapter-choice';
import { probeWindowGpus } from './probe';

interface WindowGpusState {
  probe: WindowGpuProbe | null;
}

export const useWindowGpus = create<WindowGpusState>(() => ({ probe: null }));

let probing: Promise<WindowGpuProbe> | null = null;

/** Probes the window's GPUs (once); resolves to what was found. */
export function loadWindowGpus(): Promise<WindowGpuProbe> {
  probing ??= probeWindowGpus().then(
    (probe) => {
      useWindowGpus.setState({ probe });
      return probe;
    },
    (error: unknown) => {
      const unavailable = `probing failed: ${error instanceof Error ? error.message : String(error)}`;
      const probe: WindowGpuProbe = { webgpu: { unavailable }, webgl: { unavailable } };
      useWindowGpus.setState({ probe });
      return probe;
    },
  );
  return probing;
}
