/**
 * Helpers for the kernel tests: seeded random data, naive reference convolutions written from
 * the definitions, and a tolerance check. Test-only; not used by the engine.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { defaultCandidates } from '../candidates';
import type { ConvCase } from './reference-conv';

export {
  convGeometry,
  randomArray,
  referenceFilterGrad,
  referenceInputGrad,
  relativeError,
  type ConvCase,
} from './reference-conv';

let wasmReady: Promise<void> | null = null;
/**
 * Initializes the wasm backend once per test file (it stays registered alongside cpu), through
 * the app's own loader: threaded where the machine has several cores, as in the app.
 */
export function initWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const wasm = defaultCandidates().find((c) => c.name === 'wasm')!;
    if (!(await tf.setBackend(await wasm.load(tf)))) throw new Error('wasm backend failed to initialize');
  })();
  return wasmReady;
}

/** Runs a kernel config's function directly on the active backend and reads the result back. */
export function runKernelFunc(
  kernel: { kernelFunc: (args: never) => unknown },
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
): { shape: number[]; values: Float32Array } {
  const backend = tf.backend();
  const infos = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t as TensorInfo]));
  const out = kernel.kernelFunc({ inputs: infos, attrs, backend } as never) as TensorInfo;
  const values = new Float32Array(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return { shape: out.shape, values };
}

/** The case table: strides 1/2/3, valid/same/explicit padding, dilation 2 (stride 1 only, as
 * tfjs requires), odd sizes, batch 1 and 3, channels 1 and several. */
export function convCases(): ConvCase[] {
  const pads: ConvCase['pad'][] = [
    'valid',
    'same',
    [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  ];
  const cases: ConvCase[] = [];
  for (const [stride, dilation] of [
    [1, 1],
    [2, 1],
    [3, 1],
    [1, 2],
  ])
    for (const pad of pads)
      for (const [batch, inChannels, outChannels] of [
        [1, 1, 1],
        [3, 4, 5],
      ])
        for (const kernel of [1, 3]) {
          cases.push({ batch, height: 9, width: 7, inChannels, outChannels, kernel, stride, dilation, pad });
        }
  // Fewer output positions than output channels: the convolutions that run as matrix products.
  for (const [stride, dilation] of [
    [1, 1],
    [2, 1],
    [1, 2],
  ])
    for (const pad of pads)
      for (const kernel of [1, 3]) {
        cases.push({
          batch: 2,
          height: 5,
          width: 5,
          inChannels: 6,
          outChannels: 64,
          kernel,
          stride,
          dilation,
          pad,
        });
      }
  return cases;
}

/** A readable label for a test case. */
export function caseName(c: ConvCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : `explicit${JSON.stringify(c.pad.slice(1, 3))}`;
  return `n${c.batch} ${c.height}×${c.width}×${c.inChannels}→${c.outChannels} k${c.kernel} s${c.stride} d${c.dilation} ${pad}`;
}
