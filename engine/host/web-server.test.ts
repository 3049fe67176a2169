import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GraphDocument } from '../graph/document';
import { createClient } from '../protocol/rpc';
import { createFakeHost } from '../protocol/test-support';
import { connectWebSocket, type WebSocketConstructor } from '../protocol/transports/websocket';
import { staticPath } from './static-files';
import { startWebServer, type RunningWebServer } from './web-server';

const TOKEN = 'test-token-123';
let staticDir: string;
let server: RunningWebServer;
const host = createFakeHost({
  getPreset: async (id) => ({ name: id }) as GraphDocument,
  stopRun: () => new Promise<void>(() => {}),
});

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'cnn-web-'));
  await mkdir(join(staticDir, 'assets'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>CNN Studio</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startWebServer({ host, staticDir, port: 0, token: TOKEN, maxMessageBytes: 4096 });
});
afterAll(async () => {
  await server.close();
  await rm(staticDir, { recursive: true, force: true });
});

const wsUrl = (token = TOKEN) => `ws://127.0.0.1:${server.port}/ws?token=${token}`;

/** The HTTP status a WebSocket upgrade ends with (101 = accepted). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
  });
}

type Reply = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

function get(path: string, hostHeader?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        headers: { ...headers, ...(hostHeader ? { Host: hostHeader } : {}) },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('web server', () => {
  it('prints a URL with the token on 127.0.0.1', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('serves the renderer, with index.html for client routes, and refuses escaping paths', async () => {
    const index = await get('/?token=x');
    expect(index.status).toBe(200);
    expect(index.body).toContain('CNN Studio');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/assets/app.js')).headers['content-type']).toContain('javascript');
    expect((await get('/some/route')).body).toContain('CNN Studio');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(400);
    expect(staticPath('/srv/app', '/../secret')).toBeNull();
    expect(staticPath('/srv/app', '/a/./b.js')).toBe('/srv/app/a/b.js');
    expect(staticPath('/srv/app', '/a/%2e%2e/%2e%2e/secret')).toBeNull();
  });

  it('refuses HTTP requests naming a foreign Host (DNS rebinding)', async () => {
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(403);
    expect((await get('/', `localhost:${server.port}`)).status).toBe(200);
  });

  it('refuses WebSockets with a wrong or missing token (401), a foreign Origin (403) or another path (404)', async () => {
    expect(await upgradeStatus(wsUrl('wrong'))).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/ws`)).toBe(401);
    expect(await upgradeStatus(wsUrl(), { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl(), { Origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${TOKEN}`)).toBe(404);
    expect(await upgradeStatus(wsUrl(), { Origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await upgradeStatus(wsUrl(), { Origin: `http://localhost:${server.port}` })).toBe(101);
    expect(await upgradeStatus(wsUrl())).toBe(101); // no Origin: a non-browser client with the token
    await expect(
      connectWebSocket(wsUrl('nope'), WebSocket as unknown as WebSocketConstructor),
    ).rejects.toThrow('Could not connect to the engine');
  });

  it('round-trips calls, errors, events and cancellation over the WebSocket', async () => {
    const client = createClient(
      await connectWebSocket(wsUrl(), WebSocket as unknown as WebSocketConstructor),
    );
    await expect(client.getPreset('lenet')).resolves.toEqual({ name: 'lenet' });
    await expect(client.getInfo()).rejects.toMatchObject({
      name: 'Error',
      message: 'fake host: getInfo not implemented',
    });
    const events: string[] = [];
    client.on('log', (e) => events.push(e.message));
    await new Promise((r) => setTimeout(r, 20));
    host.emit('log', { level: 'info', message: 'over the wire' });
    const pending = client.call('stopRun', ['r']);
    setTimeout(() => pending.cancel(), 10);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(events).toEqual(['over the wire']);
    const closed = new Promise((r) => client.onClose(r));
    const never = expect(client.stopRun('r')).rejects.toMatchObject({ name: 'EngineDisconnected' });
    await server.close();
    await never;
    await closed;
    server = await startWebServer({ host, staticDir, port: 0, token: TOKEN, maxMessageBytes: 4096 });
  });

  it('closes a connection that stops answering pings, keeps one that answers', async () => {
    const quick = await startWebServer({ host, staticDir, port: 0, token: TOKEN, heartbeatMs: 50 });
    const url = `ws://127.0.0.1:${quick.port}/ws?token=${TOKEN}`;
    const silent = new WebSocket(url, { autoPong: false });
    const healthy = new WebSocket(url);
    await Promise.all([new Promise((r) => silent.on('open', r)), new Promise((r) => healthy.on('open', r))]);
    await new Promise((r) => silent.on('close', r));
    expect(healthy.readyState).toBe(WebSocket.OPEN);
    healthy.close();
    await quick.close();
  });

  it('answers oversized and random frames with errors and keeps serving', async () => {
    const ws = new WebSocket(wsUrl());
    await new Promise((r) => ws.on('open', r));
    const replies: Array<{ id: unknown; error?: { name: string; message: string }; result?: unknown }> = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'getPreset', params: ['x'.repeat(5000)] }));
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 1500; i++) {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 80) }, () => Math.floor(random() * 256)),
      );
      if (i % 3 === 0)
        ws.send(bytes); // binary frame
      else if (i % 3 === 1)
        ws.send(bytes.toString('latin1')); // text garbage
      else
        ws.send(
          JSON.stringify({
            type: 'request',
            id: 1000 + i,
            method: random() < 0.5 ? 'getPreset' : 'x',
            params: [random()],
          }),
        );
    }
    ws.send(JSON.stringify({ type: 'request', id: 2, method: 'getPreset', params: ['alive'] }));
    await new Promise<void>((resolve) => {
      const check = () => (replies.some((r) => r.id === 2) ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(replies.find((r) => r.id === 1)?.error?.message).toContain('larger than the limit of 4096 bytes');
    expect(replies.find((r) => r.id === 2)?.result).toEqual({ name: 'alive' });
    expect(replies.length).toBeGreaterThan(1400);
    ws.close();
  });
});

describe('the session cookie', () => {
  const cookieOf = (reply: Reply) => String(reply.headers['set-cookie'] ?? '');

  it('trades a valid URL token for an HttpOnly, SameSite=Strict cookie and a redirect without the token', async () => {
    const first = await get(`/?token=${TOKEN}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    expect(cookieOf(first)).toBe(`${server.cookieName}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    expect(server.cookieName).toBe(`cnn_studio_token_${server.port}`);
    const deepLink = await get(`/models?view=2&token=${TOKEN}#top`);
    expect(deepLink.headers.location).toBe('/models?view=2');
    // A wrong token sets nothing: the page loads and cannot connect.
    const wrong = await get('/?token=guess');
    expect(wrong.status).toBe(200);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('lets the WebSocket and the dataset route in with the cookie instead of the token', async () => {
    const bare = `ws://127.0.0.1:${server.port}/ws`;
    expect(await upgradeStatus(bare, { Cookie: `${server.cookieName}=${TOKEN}` })).toBe(101);
    expect(await upgradeStatus(bare, { Cookie: `other=1; ${server.cookieName}=${TOKEN}` })).toBe(101);
    expect(await upgradeStatus(bare, { Cookie: `${server.cookieName}=wrong` })).toBe(401);
    expect(await upgradeStatus(bare, { Cookie: `cnn_studio_token_1=${TOKEN}` })).toBe(401); // another server's
    expect(await upgradeStatus(`${bare}?token=wrong`, { Cookie: `${server.cookieName}=${TOKEN}` })).toBe(401); // a wrong token given is refused
    expect((await get('/datasets/mnist/cache')).status).toBe(401);
    expect(
      (await get('/datasets/mnist/cache', undefined, { Cookie: `${server.cookieName}=${TOKEN}` })).status,
    ).toBe(404); // allowed; no cache here
  });
});

describe('TLS', () => {
  let dir: string;
  let secure: RunningWebServer;
  let cert: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cnn-tls-'));
    const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    cert = await readFile(certFile);
    secure = await startWebServer({
      host,
      staticDir,
      port: 0,
      token: TOKEN,
      tls: { cert, key: await readFile(keyFile) },
    });
  });
  afterAll(async () => {
    await secure.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with a Secure cookie and the engine over WSS', async () => {
    expect(secure.url).toBe(`https://127.0.0.1:${secure.port}/?token=${TOKEN}`);
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: secure.port, path: `/?token=${TOKEN}`, ca: cert },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(reply.status).toBe(302);
    expect(String(reply.headers['set-cookie'])).toContain('; HttpOnly; SameSite=Strict; Secure');

    // A browser after the redirect: the cookie, no token.
    const socket = new WebSocket(`wss://127.0.0.1:${secure.port}/ws`, {
      ca: cert,
      headers: { Cookie: `${secure.cookieName}=${TOKEN}` },
    });
    await new Promise((resolve, reject) => {
      socket.on('open', resolve);
      socket.on('error', reject);
    });
    socket.close();
    // A program: the token in the URL.
    const TrustingWebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url, { ca: cert });
      }
    };
    const client = createClient(
      await connectWebSocket(
        `wss://127.0.0.1:${secure.port}/ws?token=${TOKEN}`,
        TrustingWebSocket as unknown as WebSocketConstructor,
      ),
    );
    await expect(client.getPreset('lenet')).resolves.toEqual({ name: 'lenet' });
    client.close();
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: secure.port, path: '/' }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', () => resolve('refused'));
      req.end();
    });
    expect(outcome).not.toBe('status 200');
  });
});

describe('malformed requests', () => {
  /** Sends raw bytes and returns the status line of the answer ('' when the socket just closed). */
  const raw = (text: string) =>
    new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer.split('\r\n')[0]));
      socket.on('error', () => resolve(''));
      setTimeout(() => socket.end(), 300);
    });

  it('answers a request target no URL parser accepts, and a bad %-escape, without crashing', async () => {
    const hostHeader = `Host: 127.0.0.1:${server.port}\r\n`;
    expect(await raw(`GET http://[ HTTP/1.1\r\n${hostHeader}\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(
        `GET /datasets/%E0%A4%A/cache HTTP/1.1\r\n${hostHeader}Authorization: Bearer ${TOKEN}\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(
        `GET http://[ HTTP/1.1\r\n${hostHeader}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect((await get('/')).status).toBe(200); // still serving
  });
});

describe('the log under a flood of refused connections', () => {
  it('writes a few lines and then one summary, not a line per attempt', async () => {
    const logs: string[] = [];
    const flooded = await startWebServer({
      host,
      staticDir,
      port: 0,
      token: TOKEN,
      log: (m) => logs.push(m),
    });
    const attempts = Array.from({ length: 60 }, () =>
      upgradeStatus(`ws://127.0.0.1:${flooded.port}/ws?token=wrong`),
    );
    expect(new Set(await Promise.all(attempts))).toEqual(new Set([401]));
    await flooded.close();
    expect(logs.filter((line) => line === 'refused a WebSocket with a wrong or missing token')).toHaveLength(
      10,
    );
    expect(logs.at(-1)).toBe('refused 50 more WebSocket connections in the last 10 s');
  });
});
