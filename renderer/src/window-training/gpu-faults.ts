/**
 * What can go wrong with the window's GPU during a run, noticed and put in words: the
 * device lost (WebGPU `device.lost`, a lost WebGL context — a driver reset, the GPU process
 * crashing, the tab's GPU reclaimed) and running out of GPU memory (WebGPU's out-of-memory
 * error, WebGL failing to allocate a texture) and, on WebGPU, a kernel the adapter refused (a
 * validation or internal error: its dispatch — and the command buffer it was queued in — did
 * not run, so training would go on with wrong numbers). The worker watches the backend with
 * `watchGpuFaults`, stops the loop on the first fault and fails the run with its message;
 * the run keeps the last checkpoint the engine wrote. Pure apart from the listeners it adds,
 * so the watching is tested with fake backends.
 */
import type { WindowBackendName } from './adapter-choice';

/** The slice of tfjs's webgpu backend watched here. */
interface WebGpuBackendLike {
  device?: {
    lost: Promise<{ message?: string; reason?: string }>;
    addEventListener(
      type: 'uncapturederror',
      listener: (event: { error: { message?: string } }) => void,
    ): void;
  };
}

/** The slice of tfjs's webgl backend watched here. */
interface WebGlBackendLike {
  gpgpu?: {
    gl: {
      canvas: { addEventListener(type: string, listener: (event: Event) => void): void };
      isContextLost?(): boolean;
    };
  };
}

/**
 * Whether `backend`'s WebGL context is lost now: an error thrown by a lost context can
 * arrive before its `webglcontextlost` event, and must still be reported as the GPU lost.
 */
export function webGlContextLost(backend: unknown): boolean {
  return (backend as WebGlBackendLike).gpgpu?.gl.isContextLost?.() ?? false;
}

/** A fault, in words for the run's failure message. */
export interface GpuFault {
  kind: 'device-lost' | 'out-of-memory' | 'kernel-refused';
  message: string;
}

export interface FaultContext {
  backend: WindowBackendName;
  batchSize: number;
}

/**
 * Calls `onFault` once, on the first fault of `backend` (tfjs's backend object for `name`).
 * Returns false when the backend offers nothing to watch (then faults surface as errors).
 */
export function watchGpuFaults(
  backend: unknown,
  context: FaultContext,
  onFault: (fault: GpuFault) => void,
): boolean {
  let reported = false;
  const report = (fault: GpuFault) => {
    if (reported) return;
    reported = true;
    onFault(fault);
  };
  if (context.backend === 'webgpu') {
    const device = (backend as WebGpuBackendLike).device;
    if (!device) return false;
    void device.lost.then((info) =>
      report(deviceLostFault(info.message || info.reason || 'the device was destroyed', context)),
    );
    device.addEventListener('uncapturederror', (event) => {
      report(
        isGpuOutOfMemory(event.error)
          ? outOfMemoryFault(context)
          : kernelRefusedFault(event.error.message ?? '', context),
      );
    });
    return true;
  }
  const canvas = (backend as WebGlBackendLike).gpgpu?.gl.canvas;
  if (!canvas) return false;
  canvas.addEventListener('webglcontextlost', (event) => {
    event.preventDefault?.();
    report(deviceLostFault('the WebGL context was lost', context));
  });
  return true;
}

export function deviceLostFault(detail: string, context: FaultContext): GpuFault {
  return {
    kind: 'device-lost',
    message:
      `The GPU was lost while training on ${context.backend} (${detail.replace(/\.$/, '')}). ` +
      'The run stopped here and keeps its last checkpoint: resume it to continue from the last finished epoch.',
  };
}

export function kernelRefusedFault(detail: string, context: FaultContext): GpuFault {
  // WebGPU's messages run over several lines of "While calling …" context; the first says what.
  const what = detail.split('\n')[0].trim().replace(/\.$/, '') || 'no detail given';
  return {
    kind: 'kernel-refused',
    message:
      `The GPU refused a training kernel on ${context.backend} (${what}). ` +
      'The run stopped rather than go on with wrong numbers; it keeps its last checkpoint. ' +
      'Train this model on webgl or in the engine.',
  };
}

/** The batch size to suggest after running out of memory with `batchSize`: half, at least 1. */
export function batchSizeThatFits(batchSize: number): number {
  return Math.max(1, Math.floor(batchSize / 2));
}

export function outOfMemoryFault(context: FaultContext): GpuFault {
  const smaller = batchSizeThatFits(context.batchSize);
  const advice =
    context.batchSize > 1
      ? `try batch size ${smaller}, which needs about half the GPU memory per step`
      : 'the model itself does not fit: make it smaller or train it in the engine';
  return {
    kind: 'out-of-memory',
    message: `The GPU ran out of memory training on ${context.backend} with batch size ${context.batchSize} — ${advice}.`,
  };
}

/**
 * Whether an error (thrown by tfjs, or WebGPU's uncaptured error) means GPU memory ran out:
 * WebGPU's GPUOutOfMemoryError, or WebGL failing to create a texture or reporting OUT_OF_MEMORY.
 */
export function isGpuOutOfMemory(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const name = (error as { constructor?: { name?: string } }).constructor?.name ?? '';
  const message = String((error as { message?: unknown }).message ?? '');
  return (
    name === 'GPUOutOfMemoryError' ||
    /out of memory|OUT_OF_MEMORY|unable to create webgltexture|failed to allocate|allocation failed/i.test(
      message,
    )
  );
}
