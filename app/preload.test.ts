/**
 * The bundled preload (dist/app/preload.cjs) against a fake `electron` and a fake page
 * window. Like Electron, the fake `executeInMainWorld` runs the installer from its source
 * text, so this also proves the bundled installer is self-contained.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CnnStudioBridge, MenuCommand } from './bridge';
import { ipcChannels } from './ipc-channels';
import { loadWithFakeElectron } from './load-with-fake-electron';

const root = path.resolve(__dirname, '..');
let buildDir = '';
beforeAll(() => {
  buildDir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-preload-'));
  execFileSync(process.execPath, ['scripts/build-app.mjs', '--outdir', buildDir], {
    cwd: root,
    stdio: 'pipe',
  });
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

type Listener = (event: { source: unknown; data: unknown; ports: readonly unknown[] }) => void;

/** The page's window: `postMessage` delivers to its message listeners, as from itself. */
function fakePageWindow() {
  const listeners: Listener[] = [];
  const page = {
    addEventListener: (type: string, listener: Listener) => {
      if (type === 'message') listeners.push(listener);
    },
    postMessage: (data: unknown, _origin: string, ports: unknown[] = []) => {
      for (const listener of listeners) listener({ source: page, data, ports });
    },
  } as unknown as Window & { cnnStudio?: CnnStudioBridge };
  return page;
}

function loadPreload() {
  const page = fakePageWindow();
  const ipcRenderer = Object.assign(new EventEmitter(), {
    sent: [] as Array<{ channel: string; args: unknown[] }>,
    invoked: [] as Array<{ channel: string; args: unknown[] }>,
    send(channel: string, ...args: unknown[]) {
      this.sent.push({ channel, args });
    },
    async invoke(channel: string, ...args: unknown[]) {
      this.invoked.push({ channel, args });
      return channel === ipcChannels.showOpenDialog ? '/home/ada/lenet.cnn.json' : null;
    },
  });
  const exposed: string[] = [];
  const electron = {
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: (key: string) => exposed.push(key),
      executeInMainWorld: ({ func, args }: { func: (...args: unknown[]) => unknown; args: unknown[] }) =>
        (new Function(`return (${func.toString()})`)() as (...args: unknown[]) => unknown)(...args),
    },
  };
  (globalThis as { window?: unknown }).window = page;
  loadWithFakeElectron(path.join(buildDir, 'preload.cjs'), electron);
  const bridge = page.cnnStudio;
  if (!bridge) throw new Error('the preload did not define window.cnnStudio');
  /** What main does: an IPC message to the preload. */
  const fromMain = (channel: string, value?: unknown, ports: unknown[] = []) =>
    ipcRenderer.emit(channel, { ports }, value);
  return { bridge, ipcRenderer, exposed, fromMain };
}

afterEach(() => {
  delete (globalThis as { window?: unknown }).window;
});

describe('preload', () => {
  it('defines window.cnnStudio for Electron, exposes nothing else, and asks main for an engine port', () => {
    const { bridge, ipcRenderer, exposed } = loadPreload();
    expect(bridge.platform).toBe('electron');
    expect(bridge.os).toBe(process.platform);
    expect(exposed).toEqual([]);
    expect(ipcRenderer.sent).toEqual([{ channel: ipcChannels.requestEnginePort, args: [] }]);
  });

  it('passes the engine port from main to the page, and a new one after a restart', () => {
    const { bridge, fromMain } = loadPreload();
    const ports: unknown[] = [];
    fromMain(ipcChannels.enginePort, null, ['port-a']);
    bridge.onEnginePort((port) => ports.push(port));
    fromMain(ipcChannels.enginePort, null, ['port-b']);
    expect(ports).toEqual(['port-a', 'port-b']);
  });

  it('keeps menu commands that arrive before the page listens', () => {
    const { bridge, fromMain } = loadPreload();
    fromMain(ipcChannels.menuCommand, { type: 'open-path', path: '/home/ada/vgg.cnn.json' });
    const commands: MenuCommand[] = [];
    bridge.onMenuCommand((command) => commands.push(command));
    fromMain(ipcChannels.menuCommand, { type: 'command', command: 'save' });
    expect(commands).toEqual([
      { type: 'open-path', path: '/home/ada/vgg.cnn.json' },
      { type: 'command', command: 'save' },
    ]);
  });

  it('stops delivering to a removed listener', () => {
    const { bridge, fromMain } = loadPreload();
    const notices: unknown[] = [];
    const remove = bridge.onEngineRestarted((info) => notices.push(info));
    fromMain(ipcChannels.engineRestarted, { restarted: true });
    remove();
    fromMain(ipcChannels.engineRestarted, { restarted: true });
    expect(notices).toHaveLength(1);
  });

  it('sends dialogs, the dirty flag and recent files to main with plain arguments', async () => {
    const { bridge, ipcRenderer } = loadPreload();
    expect(await bridge.showOpenDialog()).toBe('/home/ada/lenet.cnn.json');
    expect(await bridge.showSaveDialog('LeNet')).toBeNull();
    bridge.setDirty(true);
    bridge.addRecentFile('/home/ada/lenet.cnn.json');
    expect(ipcRenderer.invoked).toEqual([
      { channel: ipcChannels.showOpenDialog, args: [] },
      { channel: ipcChannels.showSaveDialog, args: ['LeNet'] },
    ]);
    expect(ipcRenderer.sent.slice(1)).toEqual([
      { channel: ipcChannels.setDirty, args: [true] },
      { channel: ipcChannels.addRecentFile, args: ['/home/ada/lenet.cnn.json'] },
    ]);
  });
});
