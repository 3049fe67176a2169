/**
 * The editor's connection to the engine. In Electron the preload hands over a
 * MessagePort (again after an engine restart); in the browser the page connects to the
 * web host's WebSocket with the page's `?token=`. When the engine is unreachable the
 * editor keeps working — analysis is local — and this store says so.
 */
import { create } from 'zustand';
import type { CnnStudioBridge } from '../../../app/bridge';
import { createClient, type EngineClient } from '../../../engine/protocol/rpc';
import { connectWebSocket, engineUrlForPage } from '../../../engine/protocol/transports/websocket';
import { createMessagePortTransport } from '../../../engine/protocol/transports/message-port';

export type EngineStatus = 'connecting' | 'online' | 'offline';

interface EngineState {
  status: EngineStatus;
  client: EngineClient | null;
  /** Why the engine is offline, for the status tooltip. */
  detail: string;
}

export const useEngine = create<EngineState>(() => ({ status: 'connecting', client: null, detail: '' }));

/** The Electron preload bridge, or undefined in a plain browser. */
export function bridge(): CnnStudioBridge | undefined {
  return (globalThis as { cnnStudio?: CnnStudioBridge }).cnnStudio;
}

const RETRY_MS = 3000;
let started = false;
const listeners = new Set<(client: EngineClient) => void>();

/** Calls `listener` with every new engine client (after each (re)connection). */
export function onEngineConnected(listener: (client: EngineClient) => void): () => void {
  listeners.add(listener);
  const current = useEngine.getState().client;
  if (current) listener(current);
  return () => listeners.delete(listener);
}

function adopt(client: EngineClient, reconnect: (() => void) | null): void {
  useEngine.setState({ status: 'online', client, detail: '' });
  client.onClose((reason) => {
    if (useEngine.getState().client !== client) return;
    useEngine.setState({ status: 'offline', client: null, detail: `Engine disconnected${reason ? ` (${reason})` : ''}.` });
    if (reconnect) setTimeout(reconnect, RETRY_MS);
  });
  for (const listener of listeners) listener(client);
}

/** Connects to the engine once per page, over whichever transport this page has. */
export function connectEngine(): void {
  if (started) return;
  started = true;
  const electron = bridge();
  if (electron) {
    electron.onEnginePort((port) => {
      useEngine.getState().client?.close();
      adopt(createClient(createMessagePortTransport(port)), null);
    });
    electron.onEngineRestarted((info) => {
      if (!info.restarted) useEngine.setState({ status: 'offline', client: null, detail: info.message });
    });
    return;
  }
  const attempt = () => {
    connectWebSocket(engineUrlForPage(window.location))
      .then((transport) => adopt(createClient(transport), attempt))
      .catch((error: Error) => {
        useEngine.setState({ status: 'offline', client: null, detail: error.message });
        setTimeout(attempt, RETRY_MS * 2);
      });
  };
  attempt();
}
