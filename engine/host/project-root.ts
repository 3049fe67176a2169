/**
 * The installed package's root folder (where package.json, dist/ and renderer/ live),
 * found from this module's own location: `engine/host/` when run from source,
 * `dist/engine/` when bundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findProjectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cnn-studio')
          return dir;
      } catch {
        // an unreadable package.json is not ours; keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the cnn-studio package folder above ${from}`);
    dir = parent;
  }
}
