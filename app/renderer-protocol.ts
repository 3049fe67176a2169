/**
 * Serves the built renderer (dist/renderer) under `app://renderer/…`, with the security
 * headers on every response. A custom standard scheme gives the page a real origin for
 * its CSP (`'self'`), unlike `file://`, and confines it to one folder.
 *
 * The mapping from URL to file is pure and tested; the handler reads files through an
 * injected function so it runs in tests without Electron.
 */
import path from 'node:path';
import { appHost, appScheme, securityHeaders } from './security';
import { contentTypeFor } from '../engine/host/static-files';

/** Where a request goes: a file under the renderer folder, or an HTTP error. */
export type RendererFileLookup =
  { kind: 'file'; filePath: string } | { kind: 'error'; status: 400 | 403 | 404; reason: string };

/**
 * Maps `app://renderer/<path>` to a file under `rootDir`. `/` is `index.html`. Anything
 * that leaves `rootDir` (`..`, encoded slashes, absolute paths) is refused.
 */
export function resolveRendererFile(url: string, rootDir: string): RendererFileLookup {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'error', status: 400, reason: `not a URL: '${url}'` };
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) {
    return { kind: 'error', status: 404, reason: `not an app URL: '${url}'` };
  }
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'error', status: 400, reason: `bad percent-encoding in '${parsed.pathname}'` };
  }
  if (relative.includes('\0') || relative.includes('\\')) {
    return { kind: 'error', status: 400, reason: `bad character in path '${relative}'` };
  }
  if (relative === '' || relative === '/') relative = '/index.html';
  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, `.${relative}`);
  if (filePath !== root && !filePath.startsWith(root + path.sep)) {
    return { kind: 'error', status: 403, reason: `path leaves the renderer folder: '${relative}'` };
  }
  return { kind: 'file', filePath };
}

export { contentTypeFor };

/**
 * A `protocol.handle` handler for the renderer folder.
 * @param readFile reads a whole file (rejecting with code `ENOENT` when missing).
 */
export function createRendererRequestHandler(
  rootDir: string,
  readFile: (filePath: string) => Promise<Uint8Array>,
): (request: { url: string }) => Promise<Response> {
  return async (request) => {
    const lookup = resolveRendererFile(request.url, rootDir);
    const headers = securityHeaders();
    if (lookup.kind === 'error') {
      return new Response(lookup.reason, {
        status: lookup.status,
        headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      });
    }
    try {
      const body = await readFile(lookup.filePath);
      return new Response(body as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: { ...headers, 'Content-Type': contentTypeFor(lookup.filePath) },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const missing = code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
      const message = missing
        ? `no such file in the renderer build: '${path.relative(rootDir, lookup.filePath)}'`
        : `could not read '${lookup.filePath}': ${(error as Error).message}`;
      return new Response(message, {
        status: missing ? 404 : 500,
        headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      });
    }
  };
}
