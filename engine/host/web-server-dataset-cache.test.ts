import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDatasetCache, encodeDatasetCache } from '../datasets/cache-format';
import { buildSynthetic } from '../datasets/builtin/synthetic';
import { createFakeHost } from '../protocol/test-support';
import { startWebServer, type RunningWebServer } from './web-server';

const TOKEN = 'cache-token-456';
const data = buildSynthetic();
let staticDir: string;
let server: RunningWebServer;
const asked: string[] = [];

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'cnn-web-cache-'));
  server = await startWebServer({
    host: createFakeHost({}),
    staticDir,
    port: 0,
    token: TOKEN,
    datasetCache: async (id) => {
      asked.push(id);
      if (id !== 'synthetic') throw new Error(`Unknown dataset '${id}'.`);
      return encodeDatasetCache(data);
    },
  });
});
afterAll(async () => {
  await server.close();
  await rm(staticDir, { recursive: true, force: true });
});

const cacheUrl = (id: string) => `http://127.0.0.1:${server.port}/datasets/${encodeURIComponent(id)}/cache`;

describe('web server: GET /datasets/<id>/cache (the window training worker’s data)', () => {
  it('streams the cache with the session token, and it decodes to the dataset', async () => {
    const response = await fetch(cacheUrl('synthetic'), { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const back = decodeDatasetCache('GET', new Uint8Array(await response.arrayBuffer()));
    expect(back.train.count).toBe(data.train.count);
    expect(Buffer.compare(back.test.images, data.test.images)).toBe(0);
  });

  it('refuses a wrong or missing token before asking for the dataset', async () => {
    asked.length = 0;
    expect((await fetch(cacheUrl('synthetic'))).status).toBe(401);
    const wrong = await fetch(cacheUrl('synthetic'), { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(asked).toEqual([]);
  });

  it('answers an unknown dataset with 500 and the engine’s message', async () => {
    const response = await fetch(cacheUrl('nope'), { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/Unknown dataset 'nope'/);
    // Error answers carry the security headers too.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });
});
