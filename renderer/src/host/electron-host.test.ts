/** The Electron host against a fake preload bridge: what it asks of the bridge, and when. */
import { afterEach, describe, expect, it } from 'vitest';
import type { CnnStudioBridge, EngineRestartInfo, MenuCommand } from '../../../app/bridge';
import { serveApi, type EngineClient } from '../../../engine/protocol/rpc';
import { createFakeHost } from '../../../engine/protocol/test-support';
import { createMessagePortTransport } from '../../../engine/protocol/transports/message-port';
import { createElectronHost, findBridge } from './electron-host';
import type { UnsavedChanges } from './host';

/** A bridge that records every call and lets the test play main's part. */
function fakeBridge(dialogAnswers: { open?: string | null; save?: string | null } = {}) {
  const calls: string[] = [];
  const portListeners: Array<(port: MessagePort) => void> = [];
  const restartListeners: Array<(info: EngineRestartInfo) => void> = [];
  const menuListeners: Array<(command: MenuCommand) => void> = [];
  const bridge: CnnStudioBridge = {
    platform: 'electron',
    os: 'linux',
    onEnginePort: (callback) => (portListeners.push(callback), () => undefined),
    onEngineRestarted: (callback) => (restartListeners.push(callback), () => undefined),
    onMenuCommand: (callback) => {
      menuListeners.push(callback);
      return () => void menuListeners.splice(menuListeners.indexOf(callback), 1);
    },
    showOpenDialog: async () => (calls.push('showOpenDialog'), dialogAnswers.open ?? null),
    showSaveDialog: async (name) => (calls.push(`showSaveDialog ${name}`), dialogAnswers.save ?? null),
    setDirty: (dirty) => void calls.push(`setDirty ${dirty}`),
    addRecentFile: (path) => void calls.push(`addRecentFile ${path}`),
  };
  return { bridge, calls, portListeners, restartListeners, menuListeners };
}

function recordingFiles() {
  const files: string[] = [];
  return {
    files,
    actions: {
      open: async (path: string) => void files.push(`open ${path}`),
      save: async (path: string) => void files.push(`save ${path}`),
    },
  };
}

/**
 * Node's MessagePort also has `on()`, which hands over the bare data rather than an event;
 * this shows only the DOM half, as the renderer's ports have.
 */
function domPort(port: MessagePort): MessagePort {
  return {
    postMessage: (message: unknown) => port.postMessage(message),
    addEventListener: (type: 'message' | 'close', listener: (event: Event) => void) =>
      port.addEventListener(type, listener),
    start: () => port.start(),
    close: () => port.close(),
  } as unknown as MessagePort;
}

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

describe('Electron host', () => {
  it('is found only where the preload put window.cnnStudio', () => {
    const { bridge } = fakeBridge();
    expect(findBridge({ cnnStudio: bridge })).toBe(bridge);
    expect(findBridge({})).toBeUndefined();
  });

  it('speaks to the engine over each port main sends, and reports an engine that gave up', async () => {
    const fake = fakeBridge();
    const host = createElectronHost(fake.bridge, recordingFiles().actions);
    const clients: EngineClient[] = [];
    const unavailable: string[] = [];
    host.connectEngine({
      connected: (client) => clients.push(client),
      unavailable: (detail) => unavailable.push(detail),
    });

    const channel = new MessageChannel();
    channels.push(channel);
    serveApi(
      createMessagePortTransport(domPort(channel.port2)),
      createFakeHost({ recentProjects: async () => [] }),
    );
    fake.portListeners.forEach((deliver) => deliver(domPort(channel.port1)));
    expect(clients).toHaveLength(1);
    await expect(clients[0]!.recentProjects()).resolves.toEqual([]);
    clients[0]!.close();

    const notice = { exitCode: 1, attempt: 3, at: '2026-01-01T00:00:00Z' };
    fake.restartListeners.forEach((tell) => tell({ ...notice, restarted: true, message: 'restarted' }));
    fake.restartListeners.forEach((tell) => tell({ ...notice, restarted: false, message: 'gave up' }));
    expect(unavailable).toEqual(['gave up']);
  });

  it('opens and saves what the native dialogs chose, and nothing when they were cancelled', async () => {
    const chosen = fakeBridge({ open: '/home/ada/a.cnn.json', save: '/home/ada/b.cnn.json' });
    const { files, actions } = recordingFiles();
    const host = createElectronHost(chosen.bridge, actions);
    await host.showOpenDialog();
    await host.showSaveDialog('lenet.cnn.json');
    expect(chosen.calls).toEqual(['showOpenDialog', 'showSaveDialog lenet.cnn.json']);
    expect(files).toEqual(['open /home/ada/a.cnn.json', 'save /home/ada/b.cnn.json']);

    const cancelled = fakeBridge();
    const nothing = recordingFiles();
    const cancelledHost = createElectronHost(cancelled.bridge, nothing.actions);
    await cancelledHost.showOpenDialog();
    await cancelledHost.showSaveDialog('lenet.cnn.json');
    expect(nothing.files).toEqual([]);
  });

  it('tells main about recent files and every change of the unsaved state, until stopped', () => {
    const fake = fakeBridge();
    const host = createElectronHost(fake.bridge, recordingFiles().actions);
    host.addRecentFile('/home/ada/a.cnn.json');
    let notify: (dirty: boolean) => void = () => undefined;
    let subscribed = false;
    const changes: UnsavedChanges = {
      isDirty: () => false,
      subscribe(listener) {
        notify = listener;
        subscribed = true;
        return () => {
          subscribed = false;
        };
      },
    };
    const stop = host.guardUnsavedChanges(changes);
    notify(true);
    notify(false);
    stop();
    expect(subscribed).toBe(false);
    expect(fake.calls).toEqual(['addRecentFile /home/ada/a.cnn.json', 'setDirty true', 'setDirty false']);
  });

  it('passes on menu commands until the listener is removed', () => {
    const fake = fakeBridge();
    const host = createElectronHost(fake.bridge, recordingFiles().actions);
    const received: MenuCommand[] = [];
    const stop = host.onMenuCommand((command) => received.push(command));
    fake.menuListeners.forEach((send) => send({ type: 'command', command: 'zoomIn' }));
    stop();
    fake.menuListeners.forEach((send) => send({ type: 'command', command: 'save' }));
    expect(received).toEqual([{ type: 'command', command: 'zoomIn' }]);
  });
});
