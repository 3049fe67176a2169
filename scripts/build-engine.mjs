// Bundles the engine's Node entry points (CLI, web host, training worker, Electron's
// engine process) into dist/engine with esbuild. tfjs and other packages with native or
// wasm payloads stay external and load from node_modules at run time.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const entries = {
  cli: 'engine/host/cli.ts',
  'train-worker': 'engine/train/worker.ts',
  'utility-process': 'engine/host/utility-process.ts',
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  '@tensorflow/*',
  'electron',
];

const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
if (Object.keys(entryPoints).length > 0) {
  await build({
    entryPoints,
    outdir: 'dist/engine',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Dynamic imports become chunks, so `serve` starts without loading tfjs until a run needs it.
    splitting: true,
    // Chunks sit beside the entries: modules find siblings (train-worker.mjs) by relative URL.
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external,
    define: { 'process.env.CNN_STUDIO_VERSION': JSON.stringify(pkg.version) },
    // Bundled ESM still meets CommonJS packages that call require().
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

// The PyTorch engine's runner script is copied into each run's folder from here
// (engine/pytorch/launcher.ts looks next to the bundle, in dist/engine/pytorch/).
if (existsSync('engine/pytorch/runner.py')) {
  mkdirSync('dist/engine/pytorch', { recursive: true });
  copyFileSync('engine/pytorch/runner.py', 'dist/engine/pytorch/runner.py');
}
