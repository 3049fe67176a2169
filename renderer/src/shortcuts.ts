/**
 * Keyboard shortcuts (see ui/shortcut-list.ts). Ignored while typing in a field, so
 * Ctrl+Z in a text box undoes the typing, not the graph.
 */
import { useEffect, useRef } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { Commands } from './commands';
import { useUi } from './ui/ui-store';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)));
}

export function useShortcuts(commands: Commands): void {
  const flow = useReactFlow();
  const pointer = useRef({ x: window.innerWidth / 2, y: window.innerHeight / 2 });

  useEffect(() => {
    const onMove = (e: MouseEvent) => {
      pointer.current = { x: e.clientX, y: e.clientY };
    };
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || useUi.getState().dialog || useUi.getState().addMenu) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      let handled = true;
      if (mod && key === 'z' && !e.shiftKey) commands.undo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) commands.redo();
      else if (mod && key === 'c') void commands.copy();
      else if (mod && key === 'x') void commands.cut();
      else if (mod && key === 'v') void commands.paste();
      else if (mod && key === 'd') commands.duplicate();
      else if (mod && key === 'a') commands.selectAll();
      else if (mod && key === 'b') commands.bypass();
      else if (mod && key === 'g') (e.shiftKey ? commands.ungroup : commands.group)();
      else if (mod && key === 'e') commands.toggleExpand();
      else if (mod && key === 'l') void commands.tidy();
      else if (mod && key === 's') (e.shiftKey ? commands.saveAs : commands.save)();
      else if (mod && key === 'o') commands.open();
      else if (!mod && (key === 'delete' || key === 'backspace')) commands.deleteSelection();
      else if (!mod && !e.altKey && key === 'f') commands.fitView();
      else if (!mod && e.key === '?') commands.help();
      else if (!mod && e.key === '/') {
        const screen = pointer.current;
        const position = flow.screenToFlowPosition(screen);
        useUi.getState().openAddMenu({ screen, position: { x: position.x - 80, y: position.y - 36 } });
      } else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('mousemove', onMove);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('keydown', onKey);
    };
  }, [commands, flow]);
}
