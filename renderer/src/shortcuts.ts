/**
 * Keyboard shortcuts: the command table's keys (shared/commands.ts) run its commands.
 * Ignored while typing in a field, so Ctrl+Z in a text box undoes the typing, not the
 * graph, and while a dialog or the add-layer search is open.
 */
import { useEffect } from 'react';
import { commandForKey, type ShellKind } from '../../shared/commands';
import type { Commands } from './commands';
import { useUi } from './ui/ui-store';

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)));
}

export function useShortcuts(commands: Commands, shell: ShellKind): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || useUi.getState().dialog || useUi.getState().addMenu) return;
      const command = commandForKey(e, shell);
      if (!command) return;
      // Handled here, so Electron does not also fire the menu accelerator (see app/menu.ts).
      e.preventDefault();
      commands[command]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [commands, shell]);
}
