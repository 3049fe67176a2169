/**
 * Seeded randomness for tfjs. tfjs initializers and dropout draw their seeds from
 * `Math.random()` when none is given (random_uniform/random_normal seed their alea
 * generator with `Math.random()`), and the compiled layers pass none. Running model
 * construction and each training step with `Math.random` swapped for a seeded generator
 * makes the initial weights and the dropout masks a function of the run's seed.
 *
 * What stays non-deterministic: floating-point summation order in multithreaded kernels
 * (wasm with threads, tfjs-node), and anything else in the process calling Math.random
 * during those moments (there is none inside the synchronous step).
 */
import { mulberry32 } from '../datasets/random';

/** A seedable generator returning floats in [0, 1): the datasets' mulberry32, its seed mixed first. */
export function createRandom(seed: number): () => number {
  return mulberry32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
}

/** Runs synchronous `fn` with `Math.random` replaced by `random`, restoring it afterwards. */
export function withRandom<T>(random: () => number, fn: () => T): T {
  const original = Math.random;
  Math.random = random;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
