/** The browser host: the engine over a (fake) WebSocket with redialling, the editor's own dialogs, the unload guard. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '../../../engine/protocol/transport';
import { serveApi, type EngineClient } from '../../../engine/protocol/rpc';
import { createFakeHost } from '../../../engine/protocol/test-support';
import { createMemoryTransportPair } from '../../../engine/protocol/transports/memory';
import { createBrowserHost, RECONNECT_MS, type BrowserHostOptions } from './browser-host';

const location = { protocol: 'http:', host: '127.0.0.1:8080', search: '?token=abc' };

/** A tab that keeps its event listeners where the test can fire them. */
function fakeWindow() {
  const listeners = new Map<string, Set<(event: unknown) => void>>();
  const window = {
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(listener);
    },
    removeEventListener: (type: string, listener: (event: unknown) => void) =>
      listeners.get(type)?.delete(listener),
  } as unknown as BrowserHostOptions['window'];
  /** Fires `beforeunload`; true when the tab would ask before closing. */
  const unload = (): boolean => {
    const event = {
      defaultPrevented: false,
      returnValue: undefined as unknown,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    for (const listener of listeners.get('beforeunload') ?? []) listener(event);
    return event.defaultPrevented;
  };
  return { window, unload };
}

function browserHost(connect: (url: string) => Promise<Transport>) {
  const dialogs: string[] = [];
  const tab = fakeWindow();
  const host = createBrowserHost({
    location,
    window: tab.window,
    showFileDialog: (mode) => dialogs.push(mode),
    connect,
  });
  return { host, dialogs, tab };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('browser host', () => {
  it('dials the page’s engine URL with its token, and dials again when the connection drops', async () => {
    vi.useFakeTimers();
    const urls: string[] = [];
    const servers: Transport[] = [];
    const { host } = browserHost(async (url) => {
      urls.push(url);
      const [client, server] = createMemoryTransportPair();
      serveApi(server, createFakeHost({ recentProjects: async () => [] }));
      servers.push(server);
      return client;
    });
    const clients: EngineClient[] = [];
    host.connectEngine({ connected: (client) => clients.push(client), unavailable: () => undefined });
    await vi.waitFor(() => expect(clients).toHaveLength(1));
    expect(urls[0]).toContain('127.0.0.1:8080');
    expect(urls[0]).toContain('token=abc');
    await expect(clients[0]!.recentProjects()).resolves.toEqual([]);

    servers[0]!.close();
    await vi.advanceTimersByTimeAsync(RECONNECT_MS);
    await vi.waitFor(() => expect(clients).toHaveLength(2));
    expect(clients[0]!.closed).toBe(true);
  });

  it('says why the engine is unreachable, and keeps trying', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const { host } = browserHost(async () => {
      attempts++;
      throw new Error('connection refused');
    });
    const unavailable: string[] = [];
    host.connectEngine({ connected: () => undefined, unavailable: (detail) => unavailable.push(detail) });
    await vi.waitFor(() => expect(unavailable).toEqual(['connection refused']));
    await vi.advanceTimersByTimeAsync(RECONNECT_MS * 2);
    expect(attempts).toBe(2);
  });

  it('shows the editor’s own Open and Save As dialogs', async () => {
    const { host, dialogs } = browserHost(() => new Promise(() => undefined));
    await host.showOpenDialog();
    await host.showSaveDialog('lenet.cnn.json');
    expect(dialogs).toEqual(['open', 'save']);
  });

  it('asks before the tab closes on unsaved work, until the guard is stopped', () => {
    const { host, tab } = browserHost(() => new Promise(() => undefined));
    let dirty = false;
    const stop = host.guardUnsavedChanges({ isDirty: () => dirty, subscribe: () => () => undefined });
    expect(tab.unload()).toBe(false);
    dirty = true;
    expect(tab.unload()).toBe(true);
    stop();
    expect(tab.unload()).toBe(false);
  });

  it('has no menu and no recent-files list to tell', () => {
    const { host } = browserHost(() => new Promise(() => undefined));
    expect(host.shell).toBe('browser');
    expect(() => host.addRecentFile('/a.cnn.json')).not.toThrow();
    const stop = host.onMenuCommand(() => {
      throw new Error('a browser has no native menu');
    });
    stop();
  });
});
