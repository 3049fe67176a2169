/**
 * The command table (shared/commands.ts) against everything derived from it: keys, the
 * help overlay, the toolbar, the Electron menu, and the actions that run in browser mode.
 */
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ReactFlowProvider } from '@xyflow/react';
import {
  COMMAND_IDS,
  commandForKey,
  commandSpec,
  keyLabel,
  keysIn,
  type CommandId,
  type KeyBinding,
  type KeyPress,
  type ShellKind,
} from '../../shared/commands';
import { buildMenuTemplate } from '../../app/menu';
import type { MenuCommand } from '../../app/bridge';
import { createCommands, type CanvasView } from './commands';
import { HelpOverlay } from './ui/HelpOverlay';
import { Toolbar } from './Toolbar';

const SHELLS: ShellKind[] = ['browser', 'electron'];

/** The keydown a person makes for `binding` (letters with Shift arrive upper case). */
function press(binding: KeyBinding): KeyPress {
  const shifted = Boolean(binding.shift);
  return {
    key: shifted && binding.key.length === 1 ? binding.key.toUpperCase() : binding.key,
    ctrlKey: Boolean(binding.mod),
    metaKey: false,
    shiftKey: shifted,
    altKey: false,
  };
}

/** A React Flow stand-in that records what the commands asked of it. */
function fakeFlow() {
  const calls: string[] = [];
  const flow = {
    fitView: async () => (calls.push('fitView'), true),
    zoomIn: async () => (calls.push('zoomIn'), true),
    zoomOut: async () => (calls.push('zoomOut'), true),
    zoomTo: async (level: number) => (calls.push(`zoomTo ${level}`), true),
    getInternalNode: () => undefined,
    screenToFlowPosition: (xy: { x: number; y: number }) => xy,
  } as unknown as CanvasView;
  return { flow, calls };
}

type MenuItem = ReturnType<typeof buildMenuTemplate>[number];

/** Every command the Electron menu sends, on every platform. */
function menuCommands(): CommandId[] {
  const sent = new Set<CommandId>();
  for (const platform of ['linux', 'darwin', 'win32']) {
    const template = buildMenuTemplate({
      platform,
      appName: 'CNN Studio',
      recentFiles: [],
      actions: {
        sendCommand: (message: MenuCommand) => void (message.type === 'command' && sent.add(message.command)),
        clearRecentFiles: () => undefined,
        restartEngine: () => undefined,
        openExternal: () => undefined,
      },
    });
    const items = (list: MenuItem[]): MenuItem[] =>
      list.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
    for (const item of items(template)) if (!item.role) (item.click as (() => void) | undefined)?.();
  }
  return [...sent];
}

function render(element: React.ReactElement): string {
  return renderToStaticMarkup(createElement(ReactFlowProvider, null, element));
}

describe('command table', () => {
  it.each(SHELLS)('no two commands share a key (%s)', (shell) => {
    const owner = new Map<string, CommandId>();
    for (const id of COMMAND_IDS) {
      for (const binding of keysIn(id, shell)) {
        const label = keyLabel(binding);
        expect(owner.get(label), `${label}: ${owner.get(label)} and ${id}`).toBeUndefined();
        owner.set(label, id);
      }
    }
  });

  it.each(SHELLS)('every key runs its own command (%s)', (shell) => {
    for (const id of COMMAND_IDS) {
      for (const binding of keysIn(id, shell))
        expect(commandForKey(press(binding), shell), keyLabel(binding)).toBe(id);
    }
  });

  it('tells Ctrl+Z from Ctrl+Shift+Z, and ignores keys with Alt', () => {
    const ctrl = { ctrlKey: true, metaKey: false, altKey: false };
    expect(commandForKey({ ...ctrl, key: 'z', shiftKey: false }, 'browser')).toBe('undo');
    expect(commandForKey({ ...ctrl, key: 'Z', shiftKey: true }, 'browser')).toBe('redo');
    expect(
      commandForKey({ ...ctrl, key: 'z', shiftKey: false, metaKey: true, ctrlKey: false }, 'browser'),
    ).toBe('undo');
    expect(commandForKey({ ...ctrl, key: 'z', shiftKey: false, altKey: true }, 'browser')).toBeUndefined();
    expect(commandForKey({ ...ctrl, ctrlKey: false, key: '?', shiftKey: true }, 'browser')).toBe('help');
  });

  it('leaves out of browser mode the keys a browser keeps (Ctrl+N)', () => {
    const ctrlN = press({ key: 'n', mod: true });
    expect(commandForKey(ctrlN, 'electron')).toBe('newProject');
    expect(commandForKey(ctrlN, 'browser')).toBeUndefined();
  });

  it.each(SHELLS)('the help overlay lists every key of every command (%s)', (shell) => {
    const html = render(createElement(HelpOverlay, { shell }));
    for (const id of COMMAND_IDS) {
      const keys = keysIn(id, shell);
      const row = html.match(new RegExp(`<tr data-command="${id}">(.*?)</tr>`))?.[1];
      if (keys.length === 0) {
        expect(row, id).toBeUndefined();
        continue;
      }
      expect(row, `${id} has no row`).toBeDefined();
      for (const binding of keys) expect(row).toContain(`<kbd>${keyLabel(binding)}</kbd>`);
      expect(row).toContain(commandSpec(id).description);
    }
    expect(html.includes('<kbd>Ctrl+N</kbd>')).toBe(shell === 'electron');
  });

  it('every menu item’s command exists, has an action, and can be reached in browser mode', () => {
    const { flow } = fakeFlow();
    const actions = createCommands(flow, () => ({ x: 0, y: 0 }));
    const toolbar = render(
      createElement(Toolbar, { commands: actions, shell: 'browser', snap: true, onSnap: () => undefined }),
    );
    const onToolbar = new Set([...toolbar.matchAll(/data-command="(\w+)"/g)].map((m) => m[1]));
    const sent = menuCommands();
    expect(sent.length).toBeGreaterThan(0);
    for (const id of sent) {
      expect(COMMAND_IDS, id).toContain(id);
      expect(typeof actions[id], id).toBe('function');
      const reachable = keysIn(id, 'browser').length > 0 || onToolbar.has(id);
      expect(reachable, `${id}: no key and no toolbar button in browser mode`).toBe(true);
    }
  });

  it('has an action for every command, and the menu’s zoom items zoom the canvas', () => {
    const { flow, calls } = fakeFlow();
    const actions = createCommands(flow, () => ({ x: 0, y: 0 }));
    expect(Object.keys(actions).sort()).toEqual([...COMMAND_IDS].sort());
    actions.zoomIn();
    actions.zoomOut();
    actions.zoomReset();
    actions.fitView();
    expect(calls).toEqual(['zoomIn', 'zoomOut', 'zoomTo 1', 'fitView']);
  });
});
