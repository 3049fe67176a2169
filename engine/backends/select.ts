/**
 * Chooses the compute backend once per process: the first candidate, fastest first, that
 * loads, activates, takes our training kernels and passes a smoke test (see docs/engine.md).
 * `CNN_STUDIO_BACKEND` (or `force`) names one backend and fails clearly if it cannot run.
 */
import * as tfjs from '@tensorflow/tfjs';
import type { BackendInfo } from '../protocol/api';
import { applyKernelPatches } from './patches';
import { smokeTest } from './smoke-test';
import { backendNames, defaultCandidates, type BackendCandidate } from './candidates';
import type { Tf } from './kernels/kernel-runner';

export { backendNames, type BackendName, type BackendCandidate } from './candidates';

export interface SelectBackendOptions {
  /** A backend name (`tensorflow-gpu`, `tensorflow`, `webgpu`, `wasm`, `cpu`); `auto` or absent: choose. */
  force?: string;
  log?: (message: string) => void;
}

export interface SelectedBackend {
  tf: Tf;
  info: BackendInfo;
}

/** Results by request (`auto` or a forced name); failures are not kept, so a retry tries again. */
const chosen = new Map<string, Promise<SelectedBackend & { candidate: string }>>();

/**
 * The process's backend, chosen on the first call. The GPU/native paths run the same engine
 * code as the CPU ones: only this choice differs.
 *
 * @example
 * const { tf, info } = await selectBackend({ log: console.log });
 * info.name; // 'wasm' here; 'tensorflow' where tfjs-node is installed
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const requested = options.force ?? process.env.CNN_STUDIO_BACKEND ?? '';
  const source = options.force !== undefined ? 'force' : 'CNN_STUDIO_BACKEND';
  const key = requested === '' || requested === 'auto' ? 'auto' : requested;
  // A forced name that an earlier choice (e.g. `auto`) already settled on reuses it.
  if (key !== 'auto') {
    for (const pending of chosen.values()) {
      const settled = await pending.catch(() => null);
      if (settled?.candidate === key) return activate(settled);
    }
  }
  let pending = chosen.get(key);
  if (!pending) {
    pending = selectBackendFrom(tfjs, defaultCandidates(), {
      force: key === 'auto' ? undefined : key,
      source,
      log: options.log,
    });
    chosen.set(key, pending);
    pending.catch(() => chosen.delete(key));
  }
  return activate(await pending);
}

/** Re-activates an earlier choice if something switched tfjs to another backend since. */
async function activate(selected: SelectedBackend & { candidate: string }): Promise<SelectedBackend> {
  if (selected.tf.getBackend() !== selected.info.name) await selected.tf.setBackend(selected.info.name);
  return { tf: selected.tf, info: selected.info };
}

/**
 * The selection itself over explicit candidates (tests inject failing ones). Not memoized.
 * With `force`, only that candidate is tried and its failure is thrown with the reason.
 */
export async function selectBackendFrom(
  tf: Tf,
  candidates: readonly BackendCandidate[],
  options: { force?: string; source?: string; log?: (message: string) => void } = {},
): Promise<SelectedBackend & { candidate: string }> {
  const log = options.log ?? (() => {});
  const skipped: BackendInfo['skipped'] = [];
  let tried = candidates;
  if (options.force !== undefined) {
    const forced = candidates.find((c) => c.name === options.force);
    if (!forced) {
      const names = candidates.map((c) => c.name).join(', ');
      throw new Error(
        `${options.source ?? 'force'}: unknown backend '${options.force}'; expected one of ${names}.`,
      );
    }
    tried = [forced];
  }
  for (const candidate of tried) {
    try {
      const backendName = await candidate.load(tf);
      if (!(await tf.setBackend(backendName)))
        throw new Error(`tf.setBackend('${backendName}') returned false`);
      const patchedKernels = applyKernelPatches(tf, backendName);
      await smokeTest(tf);
      const info: BackendInfo = {
        name: backendName,
        device: await candidate.device(tf),
        skipped,
        patchedKernels,
      };
      const patched = patchedKernels.length > 0 ? `; our kernels: ${patchedKernels.join(', ')}` : '';
      log(`backend: ${candidate.name} — ${info.device}${patched}`);
      return { tf, info, candidate: candidate.name };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (options.force !== undefined) {
        throw new Error(
          `${options.source ?? 'force'}=${candidate.name}: the '${candidate.name}' backend cannot be used: ${reason}`,
          { cause: error },
        );
      }
      skipped.push({ name: candidate.name, reason });
      log(`backend: skipped ${candidate.name}: ${reason}`);
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(`No compute backend could run (${reasons}).`);
}

/** Every name `CNN_STUDIO_BACKEND` accepts, for help texts. */
export const backendChoices: readonly string[] = ['auto', ...backendNames];
