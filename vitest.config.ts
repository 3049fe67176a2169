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
    // dist/engine is built once here, not by the tests that run it.
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
