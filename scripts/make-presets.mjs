// Runs scripts/make-presets.ts (TypeScript) by bundling it with esbuild first.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'make-presets-'));
const outfile = join(dir, 'make-presets.mjs');
try {
  await build({
    entryPoints: [new URL('./make-presets.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  process.env.PRESETS_OUT_DIR ??= new URL('../engine/presets', import.meta.url).pathname;
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
