import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/** Module names a CommonJS bundle still `require`s at run time. */
function requiredModules(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
}

describe('scripts/build-app.mjs', () => {
  it('bundles main and preload to dist/app as CommonJS that need nothing but Electron and Node', () => {
    execFileSync(process.execPath, ['scripts/build-app.mjs'], { cwd: root, stdio: 'pipe' });
    const main = path.join(root, 'dist/app/main.cjs');
    const preload = path.join(root, 'dist/app/preload.cjs');
    expect(existsSync(main)).toBe(true);
    expect(existsSync(preload)).toBe(true);

    const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    for (const name of requiredModules(main)) {
      expect(name === 'electron' || nodeBuiltins.has(name), `main.cjs requires '${name}'`).toBe(true);
    }
    // A sandboxed preload can require only Electron's renderer modules.
    expect(requiredModules(preload)).toEqual(['electron']);
    // package.json "main" points at the bundle.
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(path.resolve(root, pkg.main)).toBe(main);
  });
});
