/**
 * main.ts wiring, run for real under Node against a recording fake of Electron
 * (fake-electron.ts): the bundle from scripts/build-app.mjs is loaded with `require('electron')`
 * answered by the fake.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannels } from './ipc-channels';
import { createFakeElectron, type FakeWebContents } from './fake-electron';
import { loadWithFakeElectron } from './load-with-fake-electron';
import { contentSecurityPolicy } from './security';

const root = path.resolve(__dirname, '..');
let buildDir = '';

beforeAll(() => {
  buildDir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-main-'));
  execFileSync(process.execPath, ['scripts/build-app.mjs', '--outdir', path.join(buildDir, 'app')], {
    cwd: root,
    stdio: 'pipe',
  });
  mkdirSync(path.join(buildDir, 'renderer'));
  writeFileSync(path.join(buildDir, 'renderer', 'index.html'), '<!doctype html><title>CNN Studio</title>');
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

/** Loads a fresh copy of main.cjs against a fresh fake Electron. */
function loadMain(options: { hasLock?: boolean } = {}) {
  const fake = createFakeElectron({
    userData: path.join(buildDir, `user-data-${Math.random()}`),
    ...options,
  });
  loadWithFakeElectron(path.join(buildDir, 'app', 'main.cjs'), fake.electron);
  return fake;
}

/** What the preload sends: an IPC event from the window's top frame. */
function ipcEvent(contents: FakeWebContents) {
  return { sender: contents, senderFrame: contents.mainFrame };
}

async function startedApp() {
  const fake = loadMain();
  fake.ready();
  await expect.poll(() => fake.record.windows.length).toBe(1);
  const window = fake.record.windows[0]!;
  return { ...fake, window, contents: window.webContents };
}

describe('Electron main process', () => {
  it('registers app:// as a secure standard scheme before ready, and quits as a second instance', () => {
    const first = loadMain();
    expect(first.record.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    const second = loadMain({ hasLock: false });
    expect(second.record.quitCalls).toBe(1);
    second.ready();
  });

  it('turns on WebGPU before ready where Linux hides it (training in the window)', () => {
    const { record, ready } = loadMain();
    expect(record.switches).toEqual(process.platform === 'linux' ? ['enable-unsafe-webgpu'] : []);
    ready();
  });

  it('opens one secure window on app://renderer, forks the engine, and sets the menu', async () => {
    const { window, record } = await startedApp();
    expect(window.loadedUrl).toBe('app://renderer/index.html');
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect((window.options.webPreferences as { preload: string }).preload).toBe(
      path.join(buildDir, 'app', 'preload.cjs'),
    );
    expect(record.forks).toHaveLength(1);
    expect(record.forks[0]?.modulePath).toBe(path.join(buildDir, 'engine', 'utility-process.mjs'));
    expect(record.menus).not.toHaveLength(0);
    expect(window.webContents.windowOpenHandler?.({ url: 'https://d2l.ai/' })).toEqual({ action: 'deny' });
    expect(record.openedExternally).toEqual(['https://d2l.ai/']);
  });

  it('serves the renderer with the CSP header', async () => {
    const { record } = await startedApp();
    const handler = record.protocolHandlers.get('app');
    const response = await handler!({ url: 'app://renderer/index.html' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it('gives the window one end of a channel and the engine the other', async () => {
    const { contents, record, ipcMain } = await startedApp();
    ipcMain.emit(ipcChannels.requestEnginePort, ipcEvent(contents));
    expect(record.forks[0]?.messages).toEqual([
      { message: { type: 'connect' }, ports: [{ name: 'port1-1' }] },
    ]);
    expect(contents.posted).toEqual([
      { channel: ipcChannels.enginePort, message: null, ports: [{ name: 'port2-1' }] },
    ]);
  });

  it('ignores a port request from a frame that is not the app', async () => {
    const { contents, record, ipcMain } = await startedApp();
    ipcMain.emit(ipcChannels.requestEnginePort, {
      sender: contents,
      senderFrame: { url: 'https://evil.example/' },
    });
    expect(record.forks[0]?.messages).toEqual([]);
    expect(contents.posted).toEqual([]);
  });

  it('restarts a crashed engine, sends the window a new port, and tells it', async () => {
    const { contents, record, ipcMain } = await startedApp();
    ipcMain.emit(ipcChannels.requestEnginePort, ipcEvent(contents));
    record.forks[0]?.emit('exit', 139);
    await expect.poll(() => record.forks.length, { timeout: 2000 }).toBe(2);
    expect(record.forks[1]?.messages).toEqual([
      { message: { type: 'connect' }, ports: [{ name: 'port1-2' }] },
    ]);
    expect(contents.posted.at(-1)).toEqual({
      channel: ipcChannels.enginePort,
      message: null,
      ports: [{ name: 'port2-2' }],
    });
    const notice = contents.sent.find((message) => message.channel === ipcChannels.engineRestarted);
    expect(notice?.args[0]).toMatchObject({ restarted: true, exitCode: 139, attempt: 1 });
  });

  it('asks before closing a window with unsaved changes, and stays open on Cancel', async () => {
    const { window, contents, record, ipcMain } = await startedApp();
    ipcMain.emit(ipcChannels.setDirty, ipcEvent(contents), true);
    record.messageBoxResponse = 2; // Cancel
    window.close();
    await expect.poll(() => record.messageBoxes.length).toBe(1);
    expect(window.closed).toBe(false);

    record.messageBoxResponse = 1; // Don't Save
    window.close();
    await expect.poll(() => window.closed).toBe(true);
  });

  it('Save in the close question saves first, then closes once the renderer is clean', async () => {
    const { window, contents, record, ipcMain } = await startedApp();
    ipcMain.emit(ipcChannels.setDirty, ipcEvent(contents), true);
    record.messageBoxResponse = 0; // Save
    window.close();
    await expect
      .poll(() =>
        contents.sent.filter((message) => message.channel === ipcChannels.menuCommand).map((m) => m.args[0]),
      )
      .toEqual([{ type: 'command', command: 'save' }]);
    expect(window.closed).toBe(false);
    ipcMain.emit(ipcChannels.setDirty, ipcEvent(contents), false);
    expect(window.closed).toBe(true);
  });

  it('save dialog: suggests a .cnn.json name, adds the extension, and lists the file under Open Recent', async () => {
    const { contents, record, ipcMain } = await startedApp();
    record.saveDialogResult = { canceled: false, filePath: '/home/ada/models/lenet' };
    const save = ipcMain.handlers.get(ipcChannels.showSaveDialog)!;
    expect(await save(ipcEvent(contents), 'LeNet 5')).toBe('/home/ada/models/lenet.cnn.json');
    expect(record.saveDialogOptions[0]).toMatchObject({
      defaultPath: path.join('/fake/documents', 'LeNet 5.cnn.json'),
    });
    const recentItem = () =>
      JSON.stringify(record.menus.at(-1)).includes('"label":"/home/ada/models/lenet.cnn.json"');
    await expect.poll(recentItem).toBe(true);
  });

  it('a cancelled save dialog answers null', async () => {
    const { contents, ipcMain } = await startedApp();
    const save = ipcMain.handlers.get(ipcChannels.showSaveDialog)!;
    expect(await save(ipcEvent(contents), 'LeNet')).toBeNull();
  });

  it('closes a clean window without asking', async () => {
    const { window, record } = await startedApp();
    window.close();
    expect(window.closed).toBe(true);
    expect(record.messageBoxes).toEqual([]);
  });

  it('shuts the engine down when quitting', async () => {
    const { app, record } = await startedApp();
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(record.forks[0]?.messages.at(-1)).toEqual({ message: { type: 'shutdown' }, ports: [] });
    record.forks[0]?.emit('exit', 0);
    await expect.poll(() => record.quitCalls).toBe(1);
    expect(record.forks).toHaveLength(1); // not restarted
  });
});
