/**
 * Builds `window.cnnStudio` inside the page's own JavaScript world.
 *
 * A MessagePort cannot cross Electron's contextBridge (it is transferable, not cloneable),
 * so the preload forwards each engine port with `window.postMessage(…, [port])`, as
 * Electron's MessagePort guide recommends, and this function, run in the main world
 * through `contextBridge.executeInMainWorld`, listens for it and offers the port through
 * `onEnginePort`. Everything else comes from the preload as proxied functions.
 *
 * Electron serializes this function to source, so it must be self-contained: no imports,
 * no outer variables, no helpers a bundler might inject.
 */
import type { CnnStudioBridge } from './bridge';

/** The part of the bridge the preload implements with IPC. */
export type NativeBridge = Omit<CnnStudioBridge, 'onEnginePort'>;

/**
 * Defines `target.cnnStudio` (non-writable) from the preload's functions plus an
 * `onEnginePort` fed by window messages tagged `tag` that carry a port.
 */
export function installMainWorldBridge(native: NativeBridge, tag: string, target: Window = window): void {
  const listeners = new Set<(port: MessagePort) => void>();
  let latestPort: MessagePort | null = null;
  target.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== target) return;
    const data = event.data as { type?: unknown } | null;
    const port = event.ports[0];
    if (data === null || typeof data !== 'object' || data.type !== tag || port === undefined) return;
    latestPort = port;
    for (const listener of Array.from(listeners)) listener(port);
  });
  const bridge: CnnStudioBridge = Object.freeze({
    platform: native.platform,
    os: native.os,
    onMenuCommand: native.onMenuCommand,
    showOpenDialog: native.showOpenDialog,
    showSaveDialog: native.showSaveDialog,
    setDirty: native.setDirty,
    addRecentFile: native.addRecentFile,
    onEngineRestarted: native.onEngineRestarted,
    onEnginePort(callback: (port: MessagePort) => void) {
      listeners.add(callback);
      if (latestPort !== null) callback(latestPort);
      return () => {
        listeners.delete(callback);
      };
    },
  });
  Object.defineProperty(target, 'cnnStudio', {
    value: bridge,
    writable: false,
    configurable: false,
    enumerable: true,
  });
}
