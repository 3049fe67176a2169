/**
 * The WebSocket transport, for browser mode. One module for both ends: in the browser it
 * wraps the global `WebSocket`; in Node it wraps a socket from the `ws` package (the
 * server's accepted socket, or a client created with `ws`'s constructor). Both speak the
 * same `addEventListener` interface, which is all this module relies on.
 *
 * Messages travel as JSON text frames. Incoming frames are handed to the rpc layer as the
 * raw string, so a frame that is not JSON is answered with an error instead of throwing.
 */
import { ListenerSet, type Transport } from '../transport';

/** The part of a WebSocket (DOM or `ws`) this transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'open' | 'error', listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** A constructor like the DOM's `WebSocket` or `ws`'s `WebSocket`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

const CONNECTING = 0;
const OPEN = 1;

/**
 * Wraps a socket as a Transport. Messages sent while it is still connecting are queued and
 * flushed on open.
 */
export function createWebSocketTransport(socket: WebSocketLike): Transport {
  const messages = new ListenerSet<[unknown]>();
  const closes = new ListenerSet<[string | undefined]>();
  const queue: string[] = [];
  let closed = false;

  const onMessage = (event: { data: unknown }) => {
    if (!closed) messages.emit(event.data);
  };
  const onOpen = () => {
    for (const frame of queue.splice(0)) socket.send(frame);
  };
  const onClose = (event: { code: number; reason: string }) => {
    if (closed) return;
    closed = true;
    closes.emit(event.reason ? `${event.code} ${event.reason}` : `code ${event.code}`);
    messages.clear();
    closes.clear();
  };
  socket.addEventListener('message', onMessage);
  socket.addEventListener('open', onOpen);
  socket.addEventListener('close', onClose);

  return {
    send(message) {
      if (closed) return;
      const frame = JSON.stringify(message);
      if (socket.readyState === OPEN) socket.send(frame);
      else if (socket.readyState === CONNECTING) queue.push(frame);
    },
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    close() {
      if (closed) return;
      socket.close(1000, 'closed');
      onClose({ code: 1000, reason: 'closed by this side' });
    },
  };
}

/**
 * Opens a WebSocket and resolves with its transport once it is open; rejects if the
 * server refuses the connection (e.g. a wrong token: the upgrade fails with 401).
 */
export function connectWebSocket(url: string, WebSocketImpl?: WebSocketConstructor): Promise<Transport> {
  const Impl = WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Impl)
    return Promise.reject(
      new Error('No WebSocket implementation: pass one (e.g. the `ws` package) to connectWebSocket.'),
    );
  return new Promise((resolve, reject) => {
    const socket = new Impl(url);
    const transport = createWebSocketTransport(socket);
    const cleanup = () => {
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('error', onError);
      socket.removeEventListener('close', onError);
    };
    const onOpen = () => {
      cleanup();
      resolve(transport);
    };
    const onError = () => {
      cleanup();
      reject(new Error(`Could not connect to the engine at ${redactToken(url)} (refused or unreachable).`));
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('error', onError);
    socket.addEventListener('close', onError);
  });
}

/**
 * The engine's WebSocket URL for a page served by `cnn-studio serve`: same host, path
 * `/ws`, and the page's `?token=` passed on when it still has one. Normally it has not:
 * the server trades the token for a session cookie on the first load, which the browser
 * sends with the upgrade.
 *
 * @example engineUrlForPage(window.location) // 'ws://127.0.0.1:5173/ws' (or '…/ws?token=abc')
 */
export function engineUrlForPage(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/, '$1…');
}
