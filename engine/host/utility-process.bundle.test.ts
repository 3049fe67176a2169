/**
 * The built engine entry (dist/engine/utility-process.mjs), loaded the way Electron's utility
 * process loads it: as an ES module, with `process.parentPort` defined before it runs. Here a
 * worker thread plays the utility process, and its parent port is shimmed onto Node's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../protocol/rpc';
import { createMessagePortTransport, type NodePortLike } from '../protocol/transports/message-port';

const root = path.resolve(__dirname, '../..');
const bundle = path.join(root, 'dist/engine/utility-process.mjs');
let dataDir = '';

/** Runs in the worker: Electron's parentPort (`{data, ports}` events), then the bundle. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { EventEmitter } = require('node:events');
const asElectronPort = (port) => ({
  postMessage: (m) => port.postMessage(m),
  on: (type, listener) => port.on(type, type === 'message' ? (data) => listener({ data }) : listener),
  start: () => port.start(),
  close: () => port.close(),
});
// Like Electron's, this port queues messages until a 'message' listener is registered.
const electronParentPort = new EventEmitter();
const queued = [];
const deliver = (event) => electronParentPort.listenerCount('message') > 0 ? electronParentPort.emit('message', event) : queued.push(event);
electronParentPort.on('newListener', (name) => {
  if (name === 'message') setImmediate(() => { for (const event of queued.splice(0)) electronParentPort.emit('message', event); });
});
parentPort.on('message', ({ data, port }) => deliver({ data, ports: port ? [asElectronPort(port)] : [] }));
Object.defineProperty(process, 'parentPort', { value: electronParentPort });
import(workerData.bundleUrl).catch((error) => { console.error(error); process.exit(3); });
`;

function asElectronPort(port: MessagePort): NodePortLike {
  return {
    postMessage: (message) => port.postMessage(message),
    on: (type, listener) =>
      port.on(type, type === 'message' ? (data: unknown) => listener({ data }) : listener),
    start: () => port.start(),
    close: () => port.close(),
  };
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-engine-bundle-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('dist/engine/utility-process.mjs', () => {
  it('serves the engine over a port from "main" and exits with 0 on shutdown', async () => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { bundleUrl: pathToFileURL(bundle).href },
      env: { ...process.env, CNN_STUDIO_DATA_DIR: dataDir },
      stderr: true,
    });
    const exited = new Promise<number>((resolve) => worker.on('exit', resolve));
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ data: { type: 'connect' }, port: port1 }, [port1]);
    const transport = createMessagePortTransport(asElectronPort(port2));
    const client = createClient(transport);

    const info = await client.getInfo();
    expect(info.dataDir).toBe(dataDir);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    const presets = await client.listPresets();
    expect(presets.length).toBeGreaterThan(0);

    worker.postMessage({ data: { type: 'shutdown' } });
    expect(await exited).toBe(0);
    transport.close();
  });
});
