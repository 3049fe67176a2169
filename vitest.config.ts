import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Unit and integration tests live next to the code as *.test.ts(x); e2e/ is Playwright's. */
export default defineConfig({
  test: {
    include: [
      'engine/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'app/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one fork per core but one, so one on a 2-core machine; the tests spend
    // much of their time waiting on child processes (Python with torch, the engine, onnxruntime),
    // and two forks on 2 cores took 260 s where one took 458 s, every test passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // dist/engine is built once here, not by the tests that run it.
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
