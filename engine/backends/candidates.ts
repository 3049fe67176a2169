import { wasmBinaryDir } from './wasm-paths';
import { wantedWasmThreads, wasmThreadsUnavailable, withWasmThreads } from './wasm-threads';
import type { Tf } from './kernels/kernel-runner';

/** Names `CNN_STUDIO_BACKEND` / `force` accept, fastest first: the order candidates are tried. */
export const backendNames = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

/** One way to run tfjs, tried in order by `selectBackend`. */
export interface BackendCandidate {
  name: BackendName | string;
  /**
   * Loads the backend's package (registering it with tfjs) and checks its device; resolves
   * to the tfjs backend name to `setBackend`. Throws an Error whose message is the reason to skip.
   */
  load(tf: Tf): Promise<string>;
  /** A human label for the device, asked after `setBackend` succeeded, e.g. `CUDA GPU`. */
  device(tf: Tf): Promise<string>;
}

/** Imports an optional package; "not installed" becomes a reason a person understands. */
async function importOptional<T>(specifier: string, why: string): Promise<T> {
  try {
    // A variable specifier: TypeScript must not require these optional packages to be installed.
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (package|module)/.test(message)
    ) {
      throw new Error(`${specifier} is not installed (${why})`, { cause: error });
    }
    throw new Error(`${specifier} failed to load: ${message}`, { cause: error });
  }
}

interface NodeBackendLike {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
}

const nativeWhy = 'an optional dependency whose install downloads libtensorflow';

const tensorflowGpu: BackendCandidate = {
  name: 'tensorflow-gpu',
  async load(tf) {
    await importOptional('@tensorflow/tfjs-node-gpu', `${nativeWhy} with CUDA 11.2 + cuDNN 8.1`);
    if (!(await tf.setBackend('tensorflow')))
      throw new Error("tfjs-node-gpu loaded but setBackend('tensorflow') failed");
    const backend = tf.backend() as unknown as NodeBackendLike;
    if (!backend.isUsingGpuDevice) throw new Error('tfjs-node-gpu loaded but TensorFlow sees no CUDA GPU');
    return 'tensorflow';
  },
  async device() {
    return 'CUDA GPU';
  },
};

const tensorflowCpu: BackendCandidate = {
  name: 'tensorflow',
  async load(tf) {
    // tfjs-node-gpu (already loaded above, without a GPU) registers the same native backend.
    if (!tf.findBackendFactory('tensorflow')) await importOptional('@tensorflow/tfjs-node', nativeWhy);
    return 'tensorflow';
  },
  async device() {
    return 'CPU (native TensorFlow)';
  },
};

interface GpuLike {
  requestAdapter(): Promise<{
    isFallbackAdapter?: boolean;
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
}

const webgpu: BackendCandidate = {
  name: 'webgpu',
  async load() {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu)
      throw new Error('no WebGPU here: Node has no navigator.gpu (only a browser or Electron renderer does)');
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error('WebGPU offers no adapter');
    const info = adapter.info;
    if (
      adapter.isFallbackAdapter ||
      /swiftshader|llvmpipe|software/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`)
    ) {
      throw new Error('the only WebGPU adapter is a software one (slower than wasm)');
    }
    await importOptional('@tensorflow/tfjs-backend-webgpu', 'not a dependency of CNN Studio');
    return 'webgpu';
  },
  async device() {
    return 'GPU (WebGPU)';
  },
};

/** Why the threaded wasm build did not start in this process, shown with the device. */
let threadsFailure: string | null = null;

/** tfjs-backend-wasm's `getThreadsCount` throws until the backend has been initialised. */
function wasmInitialised(module: { getThreadsCount(): number }): boolean {
  try {
    module.getThreadsCount();
    return true;
  } catch {
    return false;
  }
}

const wasm: BackendCandidate = {
  name: 'wasm',
  async load(tf) {
    const module = await import('@tensorflow/tfjs-backend-wasm');
    const binaries = wasmBinaryDir();
    module.setWasmPaths(binaries);
    const threads = wantedWasmThreads();
    if (threads > 1 && !wasmInitialised(module)) {
      threadsFailure = wasmThreadsUnavailable(binaries);
      // Initialise here, threaded; select's setBackend starts the single-threaded build if that fails.
      if (threadsFailure === null) {
        try {
          module.setThreadsCount(threads);
          await withWasmThreads(tf, threads, async () => {
            if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise it');
          });
        } catch (error) {
          module.setThreadsCount(1);
          threadsFailure = error instanceof Error ? error.message : String(error);
        }
      }
    }
    return 'wasm';
  },
  async device(tf) {
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = getThreadsCount();
    const fallback = threadsFailure ? `; threads did not start: ${threadsFailure}` : '';
    return `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${fallback})`;
  },
};

const cpu: BackendCandidate = {
  name: 'cpu',
  async load() {
    return 'cpu';
  },
  async device() {
    return 'CPU (JavaScript)';
  },
};

/** The real candidates, fastest first. */
export function defaultCandidates(): BackendCandidate[] {
  return [tensorflowGpu, tensorflowCpu, webgpu, wasm, cpu];
}
