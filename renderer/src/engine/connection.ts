/**
 * The editor's connection to the engine, over whatever the host provides (see
 * host/host.ts: a MessagePort in Electron, the web host's WebSocket in a browser). When the
 * engine is unreachable the editor keeps working — analysis is local — and this store says so.
 */
import { create } from 'zustand';
import type { EngineClient } from '../../../engine/protocol/rpc';
import { host } from '../host/host';

export type EngineStatus = 'connecting' | 'online' | 'offline';

interface EngineState {
  status: EngineStatus;
  client: EngineClient | null;
  /** Why the engine is offline, for the status tooltip. */
  detail: string;
}

export const useEngine = create<EngineState>(() => ({ status: 'connecting', client: null, detail: '' }));

let started = false;
const listeners = new Set<(client: EngineClient) => void>();

/** Calls `listener` with every new engine client (after each (re)connection). */
export function onEngineConnected(listener: (client: EngineClient) => void): () => void {
  listeners.add(listener);
  const current = useEngine.getState().client;
  if (current) listener(current);
  return () => listeners.delete(listener);
}

function adopt(client: EngineClient): void {
  const previous = useEngine.getState().client;
  useEngine.setState({ status: 'online', client, detail: '' });
  previous?.close();
  client.onClose((reason) => {
    if (useEngine.getState().client !== client) return;
    useEngine.setState({
      status: 'offline',
      client: null,
      detail: `Engine disconnected${reason ? ` (${reason})` : ''}.`,
    });
  });
  for (const listener of listeners) listener(client);
}

/** Connects to the engine once per page, over the host's transport. */
export function connectEngine(): void {
  if (started) return;
  started = true;
  host().connectEngine({
    connected: adopt,
    unavailable: (detail) => useEngine.setState({ status: 'offline', client: null, detail }),
  });
}
