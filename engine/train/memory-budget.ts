/**
 * The memory budget of runs in this Node process: `CNN_STUDIO_MEMORY_LIMIT_MB`, else a share
 * of the machine's (or the container's) memory. Kept apart from `memory.ts` so the estimate
 * runs anywhere (a browser worker has no `os.totalmem`).
 */
import { totalmem } from 'node:os';
import { formatBytes, MEMORY_LIMIT_ENV, type MemoryBudget } from './memory';
import { TrainingError } from './training-error';

/** Share of the machine's (or the container's) memory a run may plan to use by default. */
const DEFAULT_MEMORY_SHARE = 0.7;

/** The memory budget: `CNN_STUDIO_MEMORY_LIMIT_MB`, else 70% of total (or cgroup-limited) memory. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): MemoryBudget {
  const given = env[MEMORY_LIMIT_ENV];
  if (given !== undefined && given.trim() !== '') {
    const megabytes = Number(given);
    if (!(Number.isFinite(megabytes) && megabytes > 0))
      throw new TrainingError(`${MEMORY_LIMIT_ENV} must be a number of megabytes above 0, got "${given}"`);
    return { bytes: megabytes * 2 ** 20, source: `${MEMORY_LIMIT_ENV}=${given}` };
  }
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = constrained > 0 ? Math.min(totalmem(), constrained) : totalmem();
  return {
    bytes: total * DEFAULT_MEMORY_SHARE,
    source: `${DEFAULT_MEMORY_SHARE * 100}% of this machine's ${formatBytes(total)}`,
  };
}
