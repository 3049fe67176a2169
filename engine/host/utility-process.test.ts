import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../protocol/rpc';
import { createMessagePortTransport, type NodePortLike } from '../protocol/transports/message-port';
import { createEngineHost } from './engine-host';
import { serveEngineProcess, type ParentPortLike } from './utility-process';

/** Node's MessagePort as Electron's MessagePortMain: message events carry `{data}`. */
function asElectronPort(port: MessagePort): NodePortLike {
  return {
    postMessage: (message) => port.postMessage(message),
    on: (type, listener) =>
      port.on(type, type === 'message' ? (data: unknown) => listener({ data }) : listener),
    start: () => port.start(),
    close: () => port.close(),
  };
}

const dataDirs: string[] = [];
afterEach(() => {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startEngineProcess() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-utility-'));
  dataDirs.push(dataDir);
  const parent = new EventEmitter();
  const host = createEngineHost({ dataDir, version: '9.9.9-test' });
  let disposed = false;
  const exits: number[] = [];
  const logs: string[] = [];
  serveEngineProcess({
    parentPort: parent as unknown as ParentPortLike,
    host: {
      ...host,
      dispose: async () => {
        disposed = true;
        await host.dispose();
      },
    },
    exit: (code) => exits.push(code),
    log: (message) => logs.push(message),
  });
  /** What Electron's main process does for a window: a channel, one end to the engine. */
  const connectWindow = () => {
    const { port1, port2 } = new MessageChannel();
    parent.emit('message', { data: { type: 'connect' }, ports: [asElectronPort(port1)] });
    const transport = createMessagePortTransport(asElectronPort(port2));
    return { client: createClient(transport), close: () => transport.close() };
  };
  return { parent, connectWindow, exits, logs, isDisposed: () => disposed, dataDir };
}

describe('engine utility process', () => {
  it('serves the engine API on a port from the main process', async () => {
    const engine = startEngineProcess();
    const window = engine.connectWindow();
    const info = await window.client.getInfo();
    expect(info.version).toBe('9.9.9-test');
    expect(info.dataDir).toBe(engine.dataDir);
    window.close();
  });

  it('serves each window (or reload) on its own port, with one shared host', async () => {
    const engine = startEngineProcess();
    const first = engine.connectWindow();
    const second = engine.connectWindow();
    const [a, b] = await Promise.all([first.client.getInfo(), second.client.getInfo()]);
    expect(a.dataDir).toBe(b.dataDir);
    first.close();
    expect((await second.client.getInfo()).version).toBe('9.9.9-test');
    second.close();
  });

  it('disposes the host and exits with 0 on shutdown', async () => {
    const engine = startEngineProcess();
    engine.parent.emit('message', { data: { type: 'shutdown' }, ports: [] });
    await expect.poll(() => engine.exits).toEqual([0]);
    expect(engine.isDisposed()).toBe(true);
  });

  it('logs and ignores unknown messages and a connect without a port', () => {
    const engine = startEngineProcess();
    engine.parent.emit('message', { data: { type: 'train-please' }, ports: [] });
    engine.parent.emit('message', { data: { type: 'connect' }, ports: [] });
    expect(engine.logs).toEqual([
      'ignored a message from the main process: {"type":"train-please"}',
      'a connect message came without a port; ignored',
    ]);
    expect(engine.exits).toEqual([]);
  });
});
