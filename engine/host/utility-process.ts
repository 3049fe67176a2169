/**
 * The engine process of the desktop app (an Electron utility process, forked by
 * app/engine-process.ts from dist/engine/utility-process.mjs).
 *
 * Electron's main process talks to it through `process.parentPort`:
 * - `{type: 'connect'}` with one MessagePort: a new editor connection. The engine host is
 *   served over that port with `serveApi`; each window (and each reload) gets its own, all
 *   sharing one host, so runs and events are the same for every window.
 * - `{type: 'shutdown'}`: dispose the host (stopping runs) and exit.
 *
 * Nothing here imports Electron: the parent port and the ports are typed structurally.
 */
import { pathToFileURL } from 'node:url';
import { resolveDataDir } from './data-dir';
import { createEngineHost } from './engine-host';
import { serveApi, type ServedHost } from '../protocol/rpc';
import { createMessagePortTransport, type NodePortLike } from '../protocol/transports/message-port';

/** Messages from Electron's main process to the engine process. */
export type EngineParentMessage = { type: 'connect' } | { type: 'shutdown' };

/** `process.parentPort` of an Electron utility process: messages arrive as `{data, ports}`. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: readonly NodePortLike[] }) => void): unknown;
}

export interface EngineProcessOptions {
  parentPort: ParentPortLike;
  host: ServedHost & { dispose(): Promise<void> };
  exit(code: number): void;
  log(message: string): void;
}

function isParentMessage(value: unknown): value is EngineParentMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'connect' || type === 'shutdown';
}

/** Serves `host` on every port the parent sends, until it asks for a shutdown. */
export function serveEngineProcess(options: EngineProcessOptions): void {
  const { host, log } = options;
  const connections = new Set<() => void>();
  let shuttingDown = false;

  const connect = (port: NodePortLike): void => {
    const transport = createMessagePortTransport(port);
    const stopServing = serveApi(transport, host, { log });
    const close = (): void => {
      connections.delete(close);
      stopServing();
      transport.close();
    };
    connections.add(close);
    // A window that reloads or closes drops its port; stop serving it.
    transport.onClose?.(() => {
      connections.delete(close);
      stopServing();
    });
  };

  const shutdown = async (): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const close of [...connections]) close();
    try {
      await host.dispose();
    } catch (error) {
      log(`dispose failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    options.exit(0);
  };

  options.parentPort.on('message', (event) => {
    if (!isParentMessage(event.data)) {
      log(`ignored a message from the main process: ${String(JSON.stringify(event.data)).slice(0, 200)}`);
      return;
    }
    if (event.data.type === 'shutdown') {
      void shutdown();
      return;
    }
    const port = event.ports[0];
    if (!port) log('a connect message came without a port; ignored');
    else if (!shuttingDown) connect(port);
  });
}

function log(message: string): void {
  console.error(`[engine ${process.pid}] ${message}`);
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  const dataDir = resolveDataDir();
  const host = createEngineHost({ dataDir, version: process.env.CNN_STUDIO_VERSION });
  // The engine is a service: it lives until main asks it to stop or kills it, even when no
  // window is connected and nothing is pending (packaged apps have seen utility processes
  // exit once their script finished, electron/electron#42978).
  const keepAlive = setInterval(() => {}, 2 ** 30);
  serveEngineProcess({
    parentPort,
    host,
    exit: (code) => {
      clearInterval(keepAlive);
      process.exit(code);
    },
    log,
  });
  log(`engine host ready (data in ${dataDir})`);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.error(
    'utility-process: no process.parentPort; this entry runs only as an Electron utility process ' +
      '(use `cnn-studio serve` for the browser mode).',
  );
  process.exitCode = 2;
}
