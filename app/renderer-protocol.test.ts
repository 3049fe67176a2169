import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, createRendererRequestHandler, resolveRendererFile } from './renderer-protocol';
import { contentSecurityPolicy } from './security';

const root = path.resolve('/opt/cnn-studio/dist/renderer');

describe('app:// URL to renderer file', () => {
  it.each([
    ['app://renderer/', 'index.html'],
    ['app://renderer/index.html', 'index.html'],
    ['app://renderer/assets/index-3f2a.js?v=1#x', 'assets/index-3f2a.js'],
    ['app://renderer/assets/My%20Font.woff2', 'assets/My Font.woff2'],
  ])('%s is %s', (url, relative) => {
    expect(resolveRendererFile(url, root)).toEqual({ kind: 'file', filePath: path.join(root, relative) });
  });

  // The URL parser already drops dot segments (also %2e%2e), so those stay inside the folder;
  // an encoded slash survives parsing and is caught by the folder check.
  it.each([
    ['app://renderer/../secret.txt', 'secret.txt'],
    ['app://renderer/%2e%2e/%2e%2e/etc/passwd', 'etc/passwd'],
  ])('keeps %s inside the renderer folder', (url, relative) => {
    expect(resolveRendererFile(url, root)).toEqual({ kind: 'file', filePath: path.join(root, relative) });
  });

  it('refuses an encoded path that leaves the renderer folder', () => {
    expect(resolveRendererFile('app://renderer/assets/%2E%2E%2F%2E%2E%2Fapp%2Fmain.cjs', root)).toMatchObject(
      {
        kind: 'error',
        status: 403,
      },
    );
  });

  it.each([
    ['app://renderer/a%5C..%5C..%5Cx', 400],
    ['app://renderer/a%00.html', 400],
    ['app://renderer/%E0%A4%A', 400],
    ['app://elsewhere/index.html', 404],
    ['https://renderer/index.html', 404],
  ] as const)('rejects %s with %i', (url, status) => {
    expect(resolveRendererFile(url, root)).toMatchObject({ kind: 'error', status });
  });

  it('names the usual content types', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('assets/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.wasm')).toBe('application/wasm');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});

describe('renderer request handler', () => {
  const files = new Map([[path.join(root, 'index.html'), '<!doctype html><title>CNN Studio</title>']]);
  const readFile = async (filePath: string): Promise<Uint8Array> => {
    const text = files.get(filePath);
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${filePath}`), { code: 'ENOENT' });
    return new TextEncoder().encode(text);
  };
  const handle = createRendererRequestHandler(root, readFile);

  it('serves a file with its type and the CSP', async () => {
    const response = await handle({ url: 'app://renderer/' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>CNN Studio</title>');
  });

  it('answers a missing file with 404 naming it, still with the CSP', async () => {
    const response = await handle({ url: 'app://renderer/assets/missing.js' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(path.join('assets', 'missing.js'));
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it('answers a traversal attempt with 403 without reading anything', async () => {
    let reads = 0;
    const guarded = createRendererRequestHandler(root, async (filePath) => {
      reads++;
      return readFile(filePath);
    });
    const response = await guarded({ url: 'app://renderer/assets/%2E%2E%2F%2E%2E%2Fapp%2Fmain.cjs' });
    expect(response.status).toBe(403);
    expect(reads).toBe(0);
  });

  it('answers a read failure other than a missing file with 500', async () => {
    const failing = createRendererRequestHandler(root, async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    const response = await failing({ url: 'app://renderer/index.html' });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('permission denied');
  });
});
