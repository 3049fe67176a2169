/**
 * What the window's GPUs are, asked in the worker (WebGPU is available in workers, WebGL2
 * through OffscreenCanvas), for `chooseWindowBackend`.
 */
import type { WindowGpuProbe } from './adapter-choice';

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

async function probeWebGpu(): Promise<WindowGpuProbe['webgpu']> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    // The options tfjs's webgpu backend asks with, so this is the adapter it will get.
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { unavailable: 'no WebGPU adapter (blocklisted or disabled)' };
    const info = adapter.info ?? {};
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    };
  } catch (error) {
    return { unavailable: `requesting a WebGPU adapter failed: ${(error as Error).message}` };
  }
}

function probeWebGl(): WindowGpuProbe['webgl'] {
  if (typeof OffscreenCanvas === 'undefined') return { unavailable: 'no OffscreenCanvas in this browser' };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { unavailable: 'no WebGL2 context' };
  try {
    if (!gl.getExtension('EXT_color_buffer_float'))
      return { unavailable: 'WebGL2 without float render targets (EXT_color_buffer_float)' };
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    return { renderer: String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) };
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/** Both backends' adapters as the browser reports them. */
export async function probeWindowGpus(): Promise<WindowGpuProbe> {
  return { webgpu: await probeWebGpu(), webgl: probeWebGl() };
}
