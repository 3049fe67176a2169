import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from './bridge';
import { bookUrl, buildMenuTemplate, escapeMenuLabel, type MenuActions } from './menu';
import { COMMAND_IDS, commandSpec, menuAccelerator, type CommandId } from '../shared/commands';

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
    ['file.new', 'New', 'CmdOrCtrl+N', 'newProject'],
    ['file.open', 'Open…', 'CmdOrCtrl+O', 'open'],
    ['file.save', 'Save', 'CmdOrCtrl+S', 'save'],
    ['file.saveAs', 'Save As…', 'CmdOrCtrl+Shift+S', 'saveAs'],
    ['edit.undo', 'Undo', 'CmdOrCtrl+Z', 'undo'],
    ['edit.redo', 'Redo', 'CmdOrCtrl+Shift+Z', 'redo'],
    ['view.zoomIn', 'Zoom In', 'CmdOrCtrl+=', 'zoomIn'],
    ['view.zoomOut', 'Zoom Out', 'CmdOrCtrl+-', 'zoomOut'],
    ['view.zoomReset', 'Reset Zoom', 'CmdOrCtrl+0', 'zoomReset'],
  ] as const)(
    '%s is "%s" (%s) and sends the %s command to the renderer',
    (id, label, accelerator, command) => {
      const { byId, click, calls } = menu('linux');
      expect(byId(id)).toMatchObject({ label, accelerator });
      click(id);
      expect(calls).toEqual([{ action: 'sendCommand', value: { type: 'command', command } }]);
    },
  );

  it('has exactly the command table’s menu items, each sending its own command', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const { items, click, calls } = menu(platform);
      const withMenu = COMMAND_IDS.filter((id) => commandSpec(id).menu);
      const sent: CommandId[] = [];
      for (const item of items) {
        if (!item.id || !item.click) continue;
        calls.length = 0;
        click(item.id);
        const [call] = calls;
        if (
          call?.action === 'sendCommand' &&
          typeof call.value === 'object' &&
          call.value.type === 'command'
        ) {
          const command = call.value.command;
          expect(commandSpec(command).menu?.itemId, `${platform} ${item.id}`).toBe(item.id);
          expect(item.label).toBe(commandSpec(command).label);
          expect(item.accelerator).toBe(menuAccelerator(command, platform));
          sent.push(command);
        }
      }
      expect(sent.sort(), platform).toEqual([...withMenu].sort());
    }
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
    expect(menu('win32').byId('edit.redo').accelerator).toBe('CmdOrCtrl+Y');
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
