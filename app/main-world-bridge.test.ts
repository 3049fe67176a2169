import { describe, expect, it } from 'vitest';
import type { CnnStudioBridge } from './bridge';
import { enginePortMessageTag } from './ipc-channels';
import { installMainWorldBridge, type NativeBridge } from './main-world-bridge';

type MessageListener = (event: { source: unknown; data: unknown; ports: readonly unknown[] }) => void;

/** A stand-in for the page's window: records its message listener. */
function fakeWindow() {
  const listeners: MessageListener[] = [];
  const target = {
    addEventListener: (type: string, listener: MessageListener) => {
      if (type === 'message') listeners.push(listener);
    },
  } as unknown as Window & { cnnStudio?: CnnStudioBridge };
  const post = (data: unknown, ports: unknown[], source: unknown = target) => {
    for (const listener of listeners) listener({ source, data, ports });
  };
  return { target, post };
}

const native: NativeBridge = {
  platform: 'electron',
  os: 'linux',
  onMenuCommand: () => () => {},
  onEngineRestarted: () => () => {},
  showOpenDialog: async () => '/home/ada/lenet.cnn.json',
  showSaveDialog: async () => null,
  setDirty: () => {},
  addRecentFile: () => {},
};

/**
 * Electron runs the installer from its source text in the page's world, so the test does
 * the same: a function that referred to anything outside itself would fail here.
 */
function installFromSource(target: Window): void {
  const install = new Function(
    `return (${installMainWorldBridge.toString()})`,
  )() as typeof installMainWorldBridge;
  install(native, enginePortMessageTag, target);
}

describe('main-world bridge', () => {
  it('defines a frozen, non-writable window.cnnStudio with the preload’s functions', async () => {
    const { target } = fakeWindow();
    installFromSource(target);
    const bridge = target.cnnStudio;
    expect(bridge?.platform).toBe('electron');
    expect(await bridge?.showOpenDialog()).toBe('/home/ada/lenet.cnn.json');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(() => {
      (target as { cnnStudio?: unknown }).cnnStudio = {};
    }).toThrow();
  });

  it('hands engine ports to onEnginePort, the latest one to a late listener', () => {
    const { target, post } = fakeWindow();
    installFromSource(target);
    const bridge = target.cnnStudio as CnnStudioBridge;
    post({ type: enginePortMessageTag }, ['port-1']);
    const received: unknown[] = [];
    const remove = bridge.onEnginePort((port) => received.push(port));
    expect(received).toEqual(['port-1']);
    post({ type: enginePortMessageTag }, ['port-2']); // after an engine restart
    expect(received).toEqual(['port-1', 'port-2']);
    remove();
    post({ type: enginePortMessageTag }, ['port-3']);
    expect(received).toEqual(['port-1', 'port-2']);
  });

  it('ignores messages that are not engine ports from this window', () => {
    const { target, post } = fakeWindow();
    installFromSource(target);
    const received: unknown[] = [];
    (target.cnnStudio as CnnStudioBridge).onEnginePort((port) => received.push(port));
    post({ type: enginePortMessageTag }, ['from-a-frame'], { other: 'window' });
    post({ type: 'something-else' }, ['port']);
    post({ type: enginePortMessageTag }, []);
    post('cnn-studio:engine-port', ['port']);
    post(null, ['port']);
    expect(received).toEqual([]);
  });
});
