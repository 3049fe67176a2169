/**
 * Builds the engine bundles (dist/engine) once before any test file runs. Tests that start
 * the bundled CLI, training worker or utility process use this one build; none rebuilds it
 * while another test may be running it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build-engine.mjs'], { cwd: root, stdio: 'inherit' });
}
