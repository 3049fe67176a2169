/**
 * The MessagePort transport, for the desktop app: a DOM `MessagePort` in the renderer,
 * Electron's `MessagePortMain` or the utility process's `process.parentPort` in the engine.
 * Typed structurally, so nothing here imports Electron.
 *
 * DOM ports deliver through `addEventListener('message', e => e.data)`; Electron's ports
 * through `on('message', e => e.data)`. Both need `start()` before messages flow.
 * Messages are structured-cloned by the medium, so they arrive as objects, not text.
 */
import { ListenerSet, type Transport } from '../transport';

interface PortEvent {
  data: unknown;
}

/** A DOM MessagePort (renderer, web workers). */
export interface DomPortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'close', listener: (event: PortEvent) => void): void;
  start?(): void;
  close?(): void;
}

/** Electron's MessagePortMain, or the utility process's `parentPort`. */
export interface NodePortLike {
  postMessage(message: unknown): void;
  on(type: 'message' | 'close', listener: (event: PortEvent) => void): unknown;
  off?(type: 'message' | 'close', listener: (event: PortEvent) => void): unknown;
  start?(): void;
  close?(): void;
}

export type MessagePortLike = DomPortLike | NodePortLike;

/** Wraps a port as a Transport and starts it. */
export function createMessagePortTransport(port: MessagePortLike): Transport {
  const messages = new ListenerSet<[unknown]>();
  const closes = new ListenerSet<[string | undefined]>();
  let closed = false;

  const onMessage = (event: PortEvent) => {
    if (!closed) messages.emit(event.data);
  };
  const shut = (reason: string) => {
    if (closed) return;
    closed = true;
    closes.emit(reason);
    messages.clear();
    closes.clear();
  };
  const onPortClose = () => shut('the port closed');

  if ('on' in port) {
    port.on('message', onMessage);
    port.on('close', onPortClose);
  } else {
    port.addEventListener('message', onMessage);
    port.addEventListener('close', onPortClose);
  }
  port.start?.();

  return {
    send(message) {
      if (!closed) port.postMessage(message);
    },
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    close() {
      if (closed) return;
      if ('on' in port) {
        port.off?.('message', onMessage);
        port.off?.('close', onPortClose);
      }
      port.close?.();
      shut('closed by this side');
    },
  };
}
