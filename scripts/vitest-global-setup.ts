/**
 * Builds the engine bundles (dist/engine) once before any test file runs. Tests that start
 * the bundled CLI, training worker or utility process use this one build; none rebuilds it
 * while another test may be running it.
 *
 * A failed build does not stop the run: it is reported here, the tests that need the
 * bundles fail on their own, and every other test still runs (`npm test` also fails its
 * separate build check).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const build = spawnSync(process.execPath, ['scripts/build-engine.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    console.error(
      `global setup: building dist/engine failed; tests that run the bundles will fail\n${build.stderr}`,
    );
  }
}
