/**
 * Browser mode's server: the built renderer as static files and the engine over a
 * WebSocket at `/ws`, both on one port (127.0.0.1 by default).
 *
 * Who may drive the engine (it reads and writes files and runs training):
 * - The WebSocket upgrade needs the session token: the session cookie, or `/ws?token=…`
 *   (programs and tests); a wrong or missing token is refused with 401 before any engine
 *   code runs.
 * - The printed URL carries the token once: the first page load with a valid `?token=`
 *   is answered with an HttpOnly, SameSite=Strict cookie and a redirect to the same
 *   address without the token, so it leaves the address bar and the history (as notebook
 *   servers do). With `tls` the server speaks HTTPS/WSS and the cookie is `Secure`.
 * - A browser always sends `Origin` on a WebSocket upgrade; it must be this server's own
 *   origin (403 otherwise), so a web page the person visits cannot connect even if it
 *   guessed the port. A request without `Origin` comes from a non-browser program on a
 *   machine that can reach the port; it still needs the token, which only the person who
 *   started the server has, so it is allowed (scripts and tests use it).
 * - On a loopback address, HTTP requests must name a loopback `Host` (403 otherwise), which
 *   defeats DNS rebinding. Binding any other address is the caller's explicit choice
 *   (`--allow-remote`); the token is still required.
 * - Text messages over the size limit get an error response; frames over twice the limit
 *   close the connection (ws's own cap, so huge frames are never buffered).
 *
 * Every connection is pinged periodically; one that misses a pong is closed, so an editor
 * on a laptop that went to sleep does not keep receiving run events forever (remote use).
 */
import { timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatCount, rateLimitedLog } from '../protocol/rate-limited-log';
import { serveApi, type ServedHost } from '../protocol/rpc';
import { createWebSocketTransport, type WebSocketLike } from '../protocol/transports/websocket';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../protocol/wire';
import { serveStatic } from './static-files';

export interface WebServerOptions {
  host: ServedHost;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Address to bind; default 127.0.0.1. */
  hostname?: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Serve HTTPS and WSS with this certificate and key (PEM); default plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  maxMessageBytes?: number;
  /** Milliseconds between pings; a socket that did not answer the last one is closed. Default 30 s. */
  heartbeatMs?: number;
  log?: (message: string) => void;
  /**
   * A dataset's binary cache as parts to send in order (cache-format.ts), for
   * `GET /datasets/<id>/cache` with `Authorization: Bearer <token>`: how the window's
   * training worker gets its images. Without it the route answers 404.
   */
  datasetCache?: (id: string) => Promise<Uint8Array[]>;
}

export interface RunningWebServer {
  port: number;
  hostname: string;
  /** The page URL with the token, e.g. `http://127.0.0.1:5178/?token=…` (`https` with TLS). */
  url: string;
  /** The name of the cookie that carries the token after the first page load. */
  cookieName: string;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/** `/datasets/<id>/cache`: a dataset's binary cache for the window's training worker. */
const DATASET_CACHE_ROUTE = /^\/datasets\/([^/]+)\/cache$/;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether `hostname` is a loopback address (binding it needs no `--allow-remote`). */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function urlHost(hostname: string): string {
  return hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request target as a URL, or null when no URL parser accepts it (e.g. `http://[`). */
function requestTarget(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** `decodeURIComponent`, or null for a malformed %-escape. */
function decodePathPart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The value of cookie `name` in a `Cookie` header, or null. */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

function refuse(socket: Socket, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`,
  );
}

/** Starts the server; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const log = options.log ?? (() => {});
  const loopbackOnly = isLoopback(hostname);
  const scheme = options.tls ? 'https' : 'http';
  let port = options.port;
  // Cookies ignore the port: name ours after it so two servers on one host keep theirs apart.
  const cookieName = () => `cnn_studio_token_${port}`;
  const hasSessionCookie = (request: IncomingMessage) =>
    tokenMatches(cookieValue(request.headers.cookie, cookieName()), options.token);

  /**
   * A page load carrying the right `?token=`: set the session cookie and send the browser
   * to the same address without the token. Returns whether it answered.
   */
  const exchangeTokenForCookie = (request: IncomingMessage, url: URL, response: ServerResponse): boolean => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (!tokenMatches(url.searchParams.get('token'), options.token)) return false;
    url.searchParams.delete('token');
    const secure = options.tls ? '; Secure' : '';
    response.writeHead(302, {
      ...securityHeaders(),
      Location: `${url.pathname}${url.search}`, // browsers keep the #fragment themselves
      'Set-Cookie': `${cookieName()}=${options.token}; Path=/; HttpOnly; SameSite=Strict${secure}`,
      'Cache-Control': 'no-store',
    });
    response.end();
    return true;
  };

  /** Host headers (and origins) that name this server. */
  const ownHosts = () => new Set([...LOOPBACK, urlHost(hostname)].map((h) => `${urlHost(h)}:${port}`));
  const hostAllowed = (hostHeader: string | undefined) =>
    !loopbackOnly || (hostHeader !== undefined && ownHosts().has(hostHeader.toLowerCase()));
  const originAllowed = (origin: string | undefined, hostHeader: string | undefined) => {
    if (origin === undefined) return true; // not a browser (see the module comment)
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    const host = parsed.host.toLowerCase();
    return loopbackOnly ? ownHosts().has(host) : host === hostHeader?.toLowerCase();
  };

  const securityHeaders = (): Record<string, string> => ({
    'X-Content-Type-Options': 'nosniff',
    // The token is in the page URL: never send it to another site as a referrer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
      "font-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  });

  /** Headers of every plain-text answer (errors included): the security headers go on all of them. */
  const textHeaders = (): Record<string, string> => ({
    ...securityHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
  });

  const sendDatasetCache = async (id: string, request: IncomingMessage, response: ServerResponse) => {
    const text = textHeaders();
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const authorized = tokenMatches(bearer?.[1] ?? null, options.token) || hasSessionCookie(request);
    if (!authorized) return void response.writeHead(401, text).end('Unauthorized\n');
    if (request.method !== 'GET')
      return void response.writeHead(405, { ...text, Allow: 'GET' }).end('Method Not Allowed\n');
    if (!options.datasetCache) return void response.writeHead(404, text).end('Not Found\n');
    const parts = await options.datasetCache(id);
    const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
    response.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(length),
      'Cache-Control': 'no-store',
    });
    for (const part of parts) {
      if (!response.write(part)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
  };

  const handleRequest: RequestListener = (request, response) => {
    if (!hostAllowed(request.headers.host)) {
      response.writeHead(403, textHeaders()).end('Forbidden host\n');
      return;
    }
    const url = requestTarget(request);
    if (!url) {
      response.writeHead(400, textHeaders()).end('Bad request target\n');
      return;
    }
    if (exchangeTokenForCookie(request, url, response)) return;
    const cacheRoute = DATASET_CACHE_ROUTE.exec(url.pathname);
    if (cacheRoute) {
      const id = decodePathPart(cacheRoute[1]);
      if (id === null) {
        response.writeHead(400, textHeaders()).end('Bad dataset id\n');
        return;
      }
      sendDatasetCache(id, request, response).catch((error: unknown) => {
        log(`dataset cache error: ${String(error)}`);
        if (!response.headersSent)
          response.writeHead(500, textHeaders()).end(`${(error as Error).message}\n`);
        else response.destroy();
      });
      return;
    }
    serveStatic(options.staticDir, request, response, securityHeaders()).catch((error: unknown) => {
      log(`static file error: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500, textHeaders()).end('Internal Server Error\n');
      else response.destroy();
    });
  };
  const server: Server = options.tls
    ? createTlsServer(options.tls, handleRequest)
    : createServer(handleRequest);

  // Someone knocking thousands of times must not fill the log: a few lines, then a count.
  const logRefusedConnection = rateLimitedLog(log, {
    summary: (count, interval) =>
      `refused ${formatCount(count)} more WebSocket connection${count === 1 ? '' : 's'} in the last ${interval}`,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBytes * 2 });
  const sockets = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      if (!alive.has(ws)) {
        log('closing a WebSocket that stopped answering pings');
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestTarget(request);
    if (!url) return refuse(socket, 400, 'Bad Request');
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!hostAllowed(request.headers.host)) return refuse(socket, 403, 'Forbidden');
    if (!originAllowed(request.headers.origin, request.headers.host)) {
      logRefusedConnection(`refused a WebSocket from origin ${String(request.headers.origin).slice(0, 200)}`);
      return refuse(socket, 403, 'Forbidden');
    }
    // A token in the URL decides (programs, tests); without one, the page's session cookie.
    const urlToken = url.searchParams.get('token');
    if (urlToken !== null ? !tokenMatches(urlToken, options.token) : !hasSessionCookie(request)) {
      logRefusedConnection('refused a WebSocket with a wrong or missing token');
      return refuse(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      ws.on('error', (error) => log(`WebSocket error: ${error.message}`));
      const transport = createWebSocketTransport(ws as unknown as WebSocketLike);
      const stop = serveApi(transport, options.host, { maxMessageBytes: maxBytes, log });
      ws.on('close', () => {
        sockets.delete(ws);
        stop();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : urlHost(hostname);

  return {
    port,
    hostname,
    url: `${scheme}://${shownHost}:${port}/?token=${encodeURIComponent(options.token)}`,
    cookieName: cookieName(),
    async close() {
      clearInterval(heartbeat);
      logRefusedConnection.flush();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
