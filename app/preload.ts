/**
 * Preload of the editor window (sandboxed: only `electron`'s renderer modules are here,
 * and this file is bundled to CommonJS). It exposes `window.cnnStudio` (see bridge.ts) and
 * nothing else: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineRestartInfo, MenuCommand } from './bridge';
import { enginePortMessageTag, ipcChannels } from './ipc-channels';
import { installMainWorldBridge, type NativeBridge } from './main-world-bridge';

/**
 * Subscribes to one IPC channel. Messages that arrive before the page registers a listener
 * are kept (a file to open at start-up must not be lost) and handed to the first one.
 */
function bufferedChannel<T>(channel: string): (callback: (value: T) => void) => () => void {
  const listeners = new Set<(value: T) => void>();
  let early: T[] = [];
  ipcRenderer.on(channel, (_event: IpcRendererEvent, value: T) => {
    if (listeners.size === 0) early.push(value);
    for (const listener of [...listeners]) listener(value);
  });
  return (callback) => {
    listeners.add(callback);
    const pending = early;
    early = [];
    for (const value of pending) callback(value);
    return () => {
      listeners.delete(callback);
    };
  };
}

const native: NativeBridge = {
  platform: 'electron',
  os: process.platform,
  onMenuCommand: bufferedChannel<MenuCommand>(ipcChannels.menuCommand),
  onEngineRestarted: bufferedChannel<EngineRestartInfo>(ipcChannels.engineRestarted),
  showOpenDialog: () => ipcRenderer.invoke(ipcChannels.showOpenDialog) as Promise<string | null>,
  showSaveDialog: (defaultName: string) =>
    ipcRenderer.invoke(ipcChannels.showSaveDialog, String(defaultName)) as Promise<string | null>,
  setDirty: (dirty: boolean) => ipcRenderer.send(ipcChannels.setDirty, dirty === true),
  addRecentFile: (path: string) => ipcRenderer.send(ipcChannels.addRecentFile, String(path)),
};

contextBridge.executeInMainWorld({ func: installMainWorldBridge, args: [native, enginePortMessageTag] });

// Each engine port goes on to the page, which picks it up in installMainWorldBridge. The
// message is posted to this same window; navigation to other origins is blocked by main.
ipcRenderer.on(ipcChannels.enginePort, (event: IpcRendererEvent) => {
  window.postMessage({ type: enginePortMessageTag }, '*', [...event.ports]);
});
ipcRenderer.send(ipcChannels.requestEnginePort);
