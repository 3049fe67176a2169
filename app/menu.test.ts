import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from './bridge';
import { bookUrl, buildMenuTemplate, escapeMenuLabel, type MenuActions } from './menu';

function recordingActions() {
  const calls: Array<{ action: keyof MenuActions; value?: MenuCommand | string }> = [];
  const actions: MenuActions = {
    sendCommand: (command) => calls.push({ action: 'sendCommand', value: command }),
    clearRecentFiles: () => calls.push({ action: 'clearRecentFiles' }),
    restartEngine: () => calls.push({ action: 'restartEngine' }),
    openExternal: (url) => calls.push({ action: 'openExternal', value: url }),
  };
  return { actions, calls };
}

/** Every item of the template, submenus included. */
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

function menu(platform: string, recentFiles: string[] = []) {
  const { actions, calls } = recordingActions();
  const template = buildMenuTemplate({ platform, appName: 'CNN Studio', recentFiles, actions });
  const items = flatten(template);
  const byId = (id: string): MenuItemConstructorOptions => {
    const item = items.find((candidate) => candidate.id === id);
    if (!item) throw new Error(`no menu item '${id}'`);
    return item;
  };
  const click = (id: string): void => {
    const handler = byId(id).click as (() => void) | undefined;
    if (!handler) throw new Error(`menu item '${id}' has no click handler`);
    handler();
  };
  return { template, items, byId, click, calls };
}

describe('application menu', () => {
  it.each([
    ['file.new', 'New', 'CmdOrCtrl+N', { type: 'new' }],
    ['file.open', 'Open…', 'CmdOrCtrl+O', { type: 'open' }],
    ['file.save', 'Save', 'CmdOrCtrl+S', { type: 'save' }],
    ['file.saveAs', 'Save As…', 'CmdOrCtrl+Shift+S', { type: 'save-as' }],
    ['edit.undo', 'Undo', 'CmdOrCtrl+Z', { type: 'undo' }],
    ['edit.redo', 'Redo', 'CmdOrCtrl+Shift+Z', { type: 'redo' }],
    ['view.zoomIn', 'Zoom In', 'CmdOrCtrl+=', { type: 'zoom-in' }],
    ['view.zoomOut', 'Zoom Out', 'CmdOrCtrl+-', { type: 'zoom-out' }],
    ['view.zoomReset', 'Reset Zoom', 'CmdOrCtrl+0', { type: 'zoom-reset' }],
  ] as const)('%s is "%s" (%s) and sends %o to the renderer', (id, label, accelerator, command) => {
    const { byId, click, calls } = menu('linux');
    expect(byId(id)).toMatchObject({ label, accelerator });
    click(id);
    expect(calls).toEqual([{ action: 'sendCommand', value: command }]);
  });

  it('has the usual top-level menus in order', () => {
    expect(menu('linux').template.map((item) => item.label)).toEqual([
      '&File',
      '&Edit',
      '&View',
      'E&ngine',
      '&Help',
    ]);
    expect(menu('darwin').template.map((item) => item.label)).toEqual([
      'CNN Studio',
      '&File',
      '&Edit',
      '&View',
      'E&ngine',
      '&Help',
    ]);
  });

  it('uses Ctrl+Y for Redo on Windows', () => {
    expect(menu('win32').byId('edit.redo').accelerator).toBe('Ctrl+Y');
  });

  it('quits with Ctrl+Q on Linux (File menu) and ⌘Q on macOS (app menu)', () => {
    const linux = menu('linux');
    expect(linux.byId('app.quit')).toMatchObject({ role: 'quit', accelerator: 'Ctrl+Q' });
    expect(linux.template[0]?.submenu).toContainEqual(expect.objectContaining({ id: 'app.quit' }));
    const mac = menu('darwin');
    expect(mac.byId('app.quit')).toMatchObject({ role: 'quit', accelerator: 'Command+Q' });
    expect(mac.template[0]?.submenu).toContainEqual(expect.objectContaining({ id: 'app.quit' }));
  });

  it('toggles DevTools with the platform’s shortcut', () => {
    expect(menu('linux').byId('view.devtools')).toMatchObject({
      role: 'toggleDevTools',
      accelerator: 'Ctrl+Shift+I',
    });
    expect(menu('darwin').byId('view.devtools')).toMatchObject({ accelerator: 'Alt+Command+I' });
  });

  it('never binds one accelerator twice', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const accelerators = menu(platform)
        .items.map((item) => item.accelerator)
        .filter((accelerator): accelerator is string => typeof accelerator === 'string');
      expect(new Set(accelerators).size, platform).toBe(accelerators.length);
    }
  });

  it('lists recent files that open by path, and clears them', () => {
    const { byId, click, calls } = menu('linux', ['/home/ada/lenet.cnn.json', '/home/ada/R&D/vgg.cnn.json']);
    expect(byId('file.recent.0').label).toBe('/home/ada/lenet.cnn.json');
    expect(byId('file.recent.1').label).toBe('/home/ada/R&&D/vgg.cnn.json');
    click('file.recent.1');
    click('file.recent.clear');
    expect(calls).toEqual([
      { action: 'sendCommand', value: { type: 'open-path', path: '/home/ada/R&D/vgg.cnn.json' } },
      { action: 'clearRecentFiles' },
    ]);
  });

  it('shows a disabled placeholder when there are no recent files', () => {
    expect(menu('linux').byId('file.recent.none')).toMatchObject({ enabled: false });
  });

  it('restarts the engine and opens the book on request', () => {
    const { click, calls } = menu('linux');
    click('engine.restart');
    click('help.book');
    expect(calls).toEqual([{ action: 'restartEngine' }, { action: 'openExternal', value: bookUrl }]);
    expect(bookUrl.startsWith('https://')).toBe(true);
  });

  it('escapes mnemonic markers in labels', () => {
    expect(escapeMenuLabel('a & b && c')).toBe('a && b &&&& c');
  });
});
