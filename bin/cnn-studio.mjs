#!/usr/bin/env node
// The `cnn-studio` command. The engine is bundled to dist/ by `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/engine/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('cnn-studio: the engine is not built yet. Run `npm run build:engine` in the project folder.');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
