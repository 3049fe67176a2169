// Bundles the Electron shell with esbuild: app/main.ts → dist/app/main.cjs (package.json
// "main") and app/preload.ts → dist/app/preload.cjs. Both are CommonJS: Electron loads a
// sandboxed preload only as a CommonJS script, and main stays CJS for symmetry. `electron`
// is provided by the runtime; everything else the shell uses is bundled in.
//
// Usage: node scripts/build-app.mjs [--outdir <dir>]
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdirFlag = process.argv.indexOf('--outdir');
const outdir =
  outdirFlag >= 0 ? path.resolve(process.argv[outdirFlag + 1] ?? '') : path.join(root, 'dist/app');

/** Electron 45 ships Node 22 and Chromium 140. */
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  outdir,
  outExtension: { '.js': '.cjs' },
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: { main: 'app/main.ts' }, platform: 'node', target: 'node22' }),
  // The preload runs in a sandboxed renderer: browser platform, only `electron` required.
  // Its main-world installer is serialized to source by Electron, so no minifying.
  build({ ...common, entryPoints: { preload: 'app/preload.ts' }, platform: 'browser', target: 'chrome140' }),
]);
console.log(`build-app: wrote ${path.relative(root, outdir) || '.'}/main.cjs and preload.cjs`);
