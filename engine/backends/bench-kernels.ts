/**
 * Training speed of small CNNs per backend, stock kernels vs ours: images/s of full training
 * steps (forward, backward, SGD update) on random data. Run via `node scripts/bench-kernels.mjs`.
 *
 *   --backend wasm|cpu   (default wasm)      --batch 256       --steps 6 (timed, after 2 warm-up)
 *   --models lenet,bn-lenet,resblock-28,resblock-96            --stock (also time stock kernels)
 *   --profile            (print the slowest kernels of one patched step)
 *   --baseline K1,K2     (also time with only these of our kernels, e.g. Conv2DBackpropFilter)
 * CNN_STUDIO_WASM_THREADS=1 times the single-threaded wasm build.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultCandidates } from './candidates';
import { applyKernelPatches, removeKernelPatches } from './patches';
import { benchModels, type BenchModel } from './bench-models';

interface Options {
  backend: string;
  batch: number;
  steps: number;
  models: string[];
  stock: boolean;
  profile: boolean;
  baseline: string[] | null;
}

function parseArgs(args: string[]): Options {
  const options: Options = {
    backend: 'wasm',
    batch: 256,
    steps: 6,
    models: ['lenet', 'bn-lenet', 'resblock-28'],
    stock: false,
    profile: false,
    baseline: null,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--backend') options.backend = value();
    else if (arg === '--batch') options.batch = Number(value());
    else if (arg === '--steps') options.steps = Number(value());
    else if (arg === '--models') options.models = value().split(',');
    else if (arg === '--stock') options.stock = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--baseline') options.baseline = value().split(',');
    else throw new Error(`unknown option '${arg}'`);
  }
  for (const id of options.models) {
    if (!benchModels.some((m) => m.id === id))
      throw new Error(`unknown model '${id}'; known: ${benchModels.map((m) => m.id).join(', ')}`);
  }
  return options;
}

function makeStep(model: tf.LayersModel, spec: BenchModel, batch: number) {
  const optimizer = tf.train.sgd(0.01);
  const x = tf.randomUniform([batch, ...spec.inputShape]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, spec.classes, 'int32'), spec.classes);
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    const value = loss!.dataSync()[0];
    loss!.dispose();
    if (!Number.isFinite(value)) throw new Error(`non-finite loss ${value}`);
  };
  return { step, dispose: () => tf.dispose([x, y, optimizer as never]) };
}

/** Images per second over `steps` timed steps, after two warm-up steps. */
function timeTraining(spec: BenchModel, batch: number, steps: number): number {
  const model = spec.build(tf);
  const { step, dispose } = makeStep(model, spec, batch);
  try {
    step();
    step();
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    return (batch * steps) / ((performance.now() - start) / 1000);
  } finally {
    dispose();
    model.dispose();
  }
}

async function profileStep(spec: BenchModel, batch: number): Promise<void> {
  const model = spec.build(tf);
  const { step, dispose } = makeStep(model, spec, batch);
  step();
  const info = await tf.profile(() => step());
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(await k.kernelTimeMs) || 0;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`  profile of one ${spec.id} step (batch ${batch}): ${total.toFixed(0)} ms in kernels`);
  for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    console.log(
      `    ${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ×${e.calls}`,
    );
  }
  dispose();
  model.dispose();
}

export async function main(args: string[]): Promise<void> {
  const options = parseArgs(args);
  // The candidate's loader, so the wasm backend starts threaded exactly as in the app.
  const candidate = defaultCandidates().find((c) => c.name === options.backend);
  if (!candidate) throw new Error(`unknown backend '${options.backend}'`);
  if (!(await tf.setBackend(await candidate.load(tf))))
    throw new Error(`backend '${options.backend}' failed to start`);
  console.log(
    `backend ${options.backend}, batch ${options.batch}, ${options.steps} timed steps; images/s (higher is better)`,
  );
  for (const id of options.models) {
    const spec = benchModels.find((m) => m.id === id)!;
    let stock = 'not timed';
    if (options.stock) {
      removeKernelPatches(tf, options.backend);
      try {
        stock = timeTraining(spec, options.batch, options.steps).toFixed(1);
      } catch (error) {
        stock = `cannot train (${(error as Error).message.split('\n')[0].slice(0, 80)})`;
      }
    }
    let baseline = '';
    if (options.baseline) {
      removeKernelPatches(tf, options.backend);
      applyKernelPatches(tf, options.backend, options.baseline);
      baseline = `   only ${options.baseline.join('+')}: ${timeTraining(spec, options.batch, options.steps).toFixed(1)}`;
      removeKernelPatches(tf, options.backend);
    }
    const patched = applyKernelPatches(tf, options.backend);
    const fast = timeTraining(spec, options.batch, options.steps);
    console.log(
      `${spec.id.padEnd(12)} stock: ${stock}${baseline}   ours: ${fast.toFixed(1)}   [${patched.join(', ')}]`,
    );
    if (options.profile) await profileStep(spec, options.batch);
  }
}
