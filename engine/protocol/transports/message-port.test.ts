import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../graph/document';
import { createClient, serveApi } from '../rpc';
import { createFakeHost } from '../test-support';
import { createMessagePortTransport, type DomPortLike, type NodePortLike } from './message-port';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** A DOM-style port (renderer): addEventListener('message', e => e.data). */
function domPort(port: MessagePort): DomPortLike {
  return {
    postMessage: (m) => port.postMessage(m),
    addEventListener: (type, listener) => port.addEventListener(type, listener as never),
    start: () => port.start(),
    close: () => port.close(),
  };
}

/** An Electron-style port (MessagePortMain, parentPort): on('message', e => e.data). */
function electronPort(port: MessagePort): NodePortLike {
  const wrapped = new Map<unknown, (value: unknown) => void>();
  return {
    postMessage: (m) => port.postMessage(m),
    on(type, listener) {
      const adapter =
        type === 'message' ? (data: unknown) => listener({ data }) : () => listener({ data: undefined });
      wrapped.set(listener, adapter);
      port.on(type, adapter);
    },
    off(type, listener) {
      const adapter = wrapped.get(listener);
      if (adapter) port.off(type, adapter);
    },
    start: () => port.start(),
    close: () => port.close(),
  };
}

describe('MessagePort transport', () => {
  it('carries calls, errors and events between a DOM port (editor) and an Electron port (engine)', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const host = createFakeHost({ getPreset: async (id) => ({ name: id }) as GraphDocument });
    serveApi(createMessagePortTransport(electronPort(channel.port2)), host);
    const client = createClient(createMessagePortTransport(domPort(channel.port1)));
    await expect(client.getPreset('nin')).resolves.toEqual({ name: 'nin' });
    await expect(client.getInfo()).rejects.toThrow('fake host: getInfo not implemented');
    const logs: string[] = [];
    client.on('log', (e) => logs.push(e.message));
    host.emit('log', { level: 'warn', message: 'through the port' });
    await expect.poll(() => logs).toEqual(['through the port']);
  });

  it('rejects pending calls when the engine side closes its port', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const engineEnd = createMessagePortTransport(electronPort(channel.port2));
    let arrived = false;
    const stopRun = () => {
      arrived = true;
      return new Promise<void>(() => {});
    };
    serveApi(engineEnd, createFakeHost({ stopRun }));
    const client = createClient(createMessagePortTransport(electronPort(channel.port1)));
    const call = client.stopRun('r1');
    await expect.poll(() => arrived).toBe(true); // the call is pending on the engine side
    engineEnd.close();
    await expect(call).rejects.toMatchObject({ name: 'EngineDisconnected' });
  });
});
