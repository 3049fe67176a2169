/**
 * Test support: loads a CommonJS bundle from scripts/build-app.mjs with `require('electron')`
 * answered by a fake, fresh each time.
 */
import Module, { createRequire } from 'node:module';
import path from 'node:path';

type Resolver = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolver };
const require = createRequire(import.meta.url);

export function loadWithFakeElectron(bundlePath: string, electron: unknown): void {
  const fakeId = path.join(path.dirname(bundlePath), `fake-electron-${Math.random()}`);
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? fakeId : original.call(this, request, ...rest);
  };
  require.cache[fakeId] = { id: fakeId, filename: fakeId, loaded: true, exports: electron } as NodeJS.Module;
  delete require.cache[bundlePath];
  try {
    require(bundlePath);
  } finally {
    moduleInternals._resolveFilename = original;
    delete require.cache[fakeId];
  }
}
