/**
 * Fuzz: whatever `analyzeGraph` calls valid, `compileGraph` builds and the model runs a
 * forward pass with the analysed output shape; whatever it refuses, compile refuses with
 * `GraphInvalidError` (never a raw tfjs error).
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { GraphInvalidError } from '../graph/errors';
import { fuzzRuns, smallNetwork } from '../graph/fuzz-graphs';
import { compileGraph } from './compile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

/** Bigger models are valid too, but too slow to build hundreds of on the cpu backend. */
const MAX_FUZZ_WEIGHTS = 200_000;

describe('compileGraph under fuzzing', () => {
  it('builds and runs every small network analysis accepts, and refuses the rest in words', () => {
    let built = 0;
    fc.assert(
      fc.property(smallNetwork, (doc) => {
        const analysis = analyzeGraph(doc);
        if (!analysis.valid) {
          expect(() => compileGraph(tf, doc)).toThrow(GraphInvalidError);
          return;
        }
        if (analysis.totals.trainable + analysis.totals.nonTrainable > MAX_FUZZ_WEIGHTS) return;
        const model = compileGraph(tf, doc);
        try {
          const [h, w, c] = analysis.inputShape!;
          const shape = tf.tidy(() => (model.predict(tf.ones([1, h, w, c])) as tf.Tensor).shape);
          expect(shape.slice(1)).toEqual(analysis.outputShape);
          built += 1;
        } finally {
          model.dispose();
        }
      }),
      fuzzRuns(150),
    );
    // The generator must reach the compiler, or the property proves nothing.
    expect(built).toBeGreaterThan(20);
  }, 30_000);
});
