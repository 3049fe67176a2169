/**
 * The application menu as a plain template: labels, accelerators, and what each item
 * does. Editor commands (New, Open, Save, Undo, canvas zoom, …) go to the renderer, which
 * owns the graph; their labels, ids and accelerators come from the command table
 * (shared/commands.ts). Window-level items (DevTools, full screen, Quit) use Electron roles.
 *
 * Accelerators are registered normally. The renderer handles the same keys itself in
 * browser mode; where it does, it calls `preventDefault()` on the keydown, and Electron then
 * does not fire the menu accelerator, so a key never acts twice.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from './bridge';
import { commandSpec, menuAccelerator, type CommandId } from '../shared/commands';

/** What the menu's items do; injected so the template is testable. */
export interface MenuActions {
  sendCommand(command: MenuCommand): void;
  clearRecentFiles(): void;
  restartEngine(): void;
  openExternal(url: string): void;
}

export interface MenuOptions {
  /** `process.platform`; the macOS menu has an app menu and ⌘ shortcuts. */
  platform: string;
  appName: string;
  /** Most recent first. */
  recentFiles: readonly string[];
  actions: MenuActions;
}

/** The book the presets come from. */
export const bookUrl = 'https://d2l.ai/chapter_convolutional-modern/index.html';

/** A menu label shows `&` as a mnemonic marker on Windows and Linux; double it to show it. */
export function escapeMenuLabel(text: string): string {
  return text.replace(/&/g, '&&');
}

/** A menu item that sends one of the editor's commands to the renderer. */
function commandItem(command: CommandId, platform: string, actions: MenuActions): MenuItemConstructorOptions {
  const spec = commandSpec(command);
  if (!spec.menu) throw new Error(`command '${command}' has no menu place in shared/commands.ts`);
  return {
    id: spec.menu.itemId,
    label: spec.label,
    accelerator: menuAccelerator(command, platform),
    click: () => actions.sendCommand({ type: 'command', command }),
  };
}

function recentSubmenu(recentFiles: readonly string[], actions: MenuActions): MenuItemConstructorOptions[] {
  if (recentFiles.length === 0) return [{ id: 'file.recent.none', label: 'No Recent Files', enabled: false }];
  return [
    ...recentFiles.map((filePath, index): MenuItemConstructorOptions => ({
      id: `file.recent.${index}`,
      label: escapeMenuLabel(filePath),
      click: () => actions.sendCommand({ type: 'open-path', path: filePath }),
    })),
    { type: 'separator' },
    { id: 'file.recent.clear', label: 'Clear Recently Opened', click: () => actions.clearRecentFiles() },
  ];
}

/** The whole application menu. */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { actions, platform } = options;
  const isMac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (isMac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { id: 'app.quit', role: 'quit', accelerator: 'Command+Q' },
      ],
    });
  }

  template.push({
    label: '&File',
    submenu: [
      commandItem('newProject', platform, actions),
      commandItem('open', platform, actions),
      { id: 'file.recent', label: 'Open Recent', submenu: recentSubmenu(options.recentFiles, actions) },
      { type: 'separator' },
      commandItem('save', platform, actions),
      commandItem('saveAs', platform, actions),
      ...(isMac
        ? [{ type: 'separator' as const }, { id: 'file.close', role: 'close' as const }]
        : [
            { type: 'separator' as const },
            { id: 'app.quit', role: 'quit' as const, label: 'Quit', accelerator: 'Ctrl+Q' },
          ]),
    ],
  });

  template.push({
    label: '&Edit',
    submenu: [
      commandItem('undo', platform, actions),
      commandItem('redo', platform, actions),
      { type: 'separator' },
      // Text editing in inspector fields; the canvas handles node copy/paste itself.
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });

  template.push({
    label: '&View',
    submenu: [
      commandItem('zoomIn', platform, actions),
      commandItem('zoomOut', platform, actions),
      commandItem('zoomReset', platform, actions),
      { type: 'separator' },
      { id: 'view.fullscreen', role: 'togglefullscreen' },
      { id: 'view.devtools', role: 'toggleDevTools', accelerator: isMac ? 'Alt+Command+I' : 'Ctrl+Shift+I' },
    ],
  });

  template.push({
    label: 'E&ngine',
    submenu: [{ id: 'engine.restart', label: 'Restart Engine', click: () => actions.restartEngine() }],
  });

  template.push({
    label: '&Help',
    submenu: [
      {
        id: 'help.book',
        label: 'Dive into Deep Learning (d2l.ai)',
        click: () => actions.openExternal(bookUrl),
      },
    ],
  });

  return template;
}
