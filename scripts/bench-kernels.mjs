// Bundles engine/backends/bench-kernels.ts (tfjs stays external, loaded from node_modules) and
// runs it: `node scripts/bench-kernels.mjs [--backend wasm|cpu] [--stock] [--profile] ...`.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const outfile = 'dist/bench/bench-kernels.mjs';
await build({
  entryPoints: ['engine/backends/bench-kernels.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@tensorflow/*'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(outfile).href);
await main(process.argv.slice(2));
