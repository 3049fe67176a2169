/**
 * Which of the window's GPU backends a run trains on, decided from what the browser
 * reports, as a pure function (unit-tested; the worker probes, this decides).
 *
 * `auto` takes only a real GPU: WebGPU first, then WebGL2; a software adapter (SwiftShader,
 * lavapipe, llvmpipe, WARP — WebGPU's fallback adapter, or a WebGL renderer string naming
 * one) is skipped with the reason, and with no real GPU `auto` declines (the engine's own
 * backends are then the faster choice). Asking for `webgpu` or `webgl` by name takes it even
 * on a software adapter, and the device line says so.
 */

export type WindowBackendName = 'webgpu' | 'webgl';
export type WindowBackendRequest = 'auto' | WindowBackendName;

/** What the worker found: a WebGPU adapter's info, a WebGL2 renderer, or why there is none. */
export interface WindowGpuProbe {
  webgpu:
    | {
        vendor: string;
        architecture: string;
        device: string;
        description: string;
        /** `GPUAdapter.isFallbackAdapter` (or `info.isFallbackAdapter` in newer browsers). */
        isFallbackAdapter: boolean;
      }
    | { unavailable: string };
  webgl: { renderer: string } | { unavailable: string };
}

export interface WindowBackendChoice {
  name: WindowBackendName;
  /** The backend line's device: vendor, architecture, device (or the WebGL renderer). */
  device: string;
  software: boolean;
  /** Backends passed over, each with why (in the order considered). */
  skipped: Array<{ name: string; reason: string }>;
}

export type WindowBackendDecision =
  | { ok: true; choice: WindowBackendChoice }
  | { ok: false; message: string; skipped: Array<{ name: string; reason: string }> };

const SOFTWARE_RENDERER = /swiftshader|lavapipe|llvmpipe|softpipe|\bwarp\b|microsoft basic render|software/i;

/** Whether a WebGL renderer or WebGPU adapter string names a CPU rasterizer. */
export function isSoftwareRenderer(text: string): boolean {
  return SOFTWARE_RENDERER.test(text);
}

function describeWebGpu(adapter: Exclude<WindowGpuProbe['webgpu'], { unavailable: string }>): string {
  const parts = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(
    (part, i, all) => part && all.indexOf(part) === i,
  );
  return parts.join(' ') || 'unnamed WebGPU adapter';
}

function webGpuOption(probe: WindowGpuProbe) {
  if ('unavailable' in probe.webgpu) return { unavailable: probe.webgpu.unavailable };
  const device = describeWebGpu(probe.webgpu);
  const software = probe.webgpu.isFallbackAdapter || isSoftwareRenderer(device);
  return { device, software };
}

function webGlOption(probe: WindowGpuProbe) {
  if ('unavailable' in probe.webgl) return { unavailable: probe.webgl.unavailable };
  return { device: probe.webgl.renderer, software: isSoftwareRenderer(probe.webgl.renderer) };
}

/** Decides the backend for `request` from `probe`. */
export function chooseWindowBackend(
  request: WindowBackendRequest,
  probe: WindowGpuProbe,
): WindowBackendDecision {
  const options = { webgpu: webGpuOption(probe), webgl: webGlOption(probe) };
  const order: WindowBackendName[] = request === 'auto' ? ['webgpu', 'webgl'] : [request];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const name of order) {
    const option = options[name];
    if ('unavailable' in option) {
      skipped.push({ name, reason: option.unavailable ?? 'not available' });
      continue;
    }
    if (request === 'auto' && option.software) {
      skipped.push({ name, reason: `${option.device} is a software adapter (the CPU), not a GPU` });
      continue;
    }
    const device = option.software ? `${option.device} (software adapter, no GPU)` : option.device;
    return { ok: true, choice: { name, device, software: option.software, skipped } };
  }
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const message =
    request === 'auto'
      ? `This window has no GPU to train on (${why}).`
      : `This window cannot train on ${request}: ${why}.`;
  return { ok: false, message, skipped };
}
