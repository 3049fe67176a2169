import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

const wasmFile = 'tfjs-backend-wasm-simd.wasm';

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries, with a trailing slash, for
 * `setWasmPaths`. Resolved through Node's module resolution from this file, so it works from
 * the source tree, from the esbuild bundle in dist/engine and from a packaged app alike
 * (the package stays external and ships in node_modules). `CNN_STUDIO_WASM_DIR` overrides.
 */
export function wasmBinaryDir(fromUrl: string = import.meta.url): string {
  const override = process.env.CNN_STUDIO_WASM_DIR;
  const dir =
    override ?? dirname(createRequire(fromUrl).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const folder = override ? dir : join(dir, 'dist');
  if (!existsSync(join(folder, wasmFile))) {
    throw new Error(`The WebAssembly backend's binaries are missing: no ${wasmFile} in '${folder}'.`);
  }
  return folder.endsWith('/') ? folder : `${folder}/`;
}
