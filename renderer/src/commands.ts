/**
 * What the editor's commands do. Which commands exist, their names and keys are the
 * command table's (shared/commands.ts); here each gets its action, shared by the toolbar,
 * the keyboard shortcuts and (in Electron) the native menu, so each does exactly the same
 * thing wherever it is triggered.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useReactFlow, type ReactFlowInstance } from '@xyflow/react';
import type { CommandId } from '../../shared/commands';
import type { XY } from '../../engine/graph/document';
import { editorActions, editorStore } from './store/editor-store';
import { useUi } from './ui/ui-store';
import { tidyLayout } from './canvas/layout';
import { innerListHeight } from './canvas/block-layers';
import { getNodeType } from '../../engine/nodes/registry';
import { newProject, openProjectFlow, saveProjectFlow } from './files/file-actions';
import { FIT_OPTIONS, GRID } from './canvas/Canvas';
import { startMakeBlock } from './ui/make-block-action';

/** One action per command of the table; a command without one does not compile. */
export type Commands = Readonly<Record<CommandId, () => void>>;

/** What the actions need of React Flow (a fake in tests). */
export type CanvasView = Pick<
  ReactFlowInstance,
  'fitView' | 'getInternalNode' | 'zoomIn' | 'zoomOut' | 'zoomTo' | 'screenToFlowPosition'
>;

/** The editor's commands, bound to this canvas; the add-layer search opens at the pointer. */
export function useCommands(): Commands {
  const flow = useReactFlow();
  const pointer = useRef<XY>({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
  useEffect(() => {
    const onMove = (e: MouseEvent) => {
      pointer.current = { x: e.clientX, y: e.clientY };
    };
    window.addEventListener('mousemove', onMove);
    return () => window.removeEventListener('mousemove', onMove);
  }, []);
  return useMemo(() => createCommands(flow, () => pointer.current), [flow]);
}

/** The actions, given the canvas and where the pointer is (screen coordinates). */
export function createCommands(flow: CanvasView, pointer: () => XY): Commands {
  const toast = (message: string, kind?: 'info' | 'error') => useUi.getState().toast(message, kind);
  const fitView = () => void flow.fitView(FIT_OPTIONS);
  return {
    undo: () => editorActions.undo(),
    redo: () => editorActions.redo(),
    selectAll: () => editorActions.selectAll(),
    deleteSelection: () => editorActions.deleteSelection(),
    fitView,
    async tidy() {
      const doc = editorStore.getState().doc;
      if (doc.nodes.length === 0) return;
      let positions;
      try {
        positions = await tidyLayout(
          doc,
          (id) => {
            const n = flow.getInternalNode(id);
            return n?.measured.width && n.measured.height
              ? { width: n.measured.width, height: n.measured.height }
              : undefined;
          },
          GRID[0],
        );
      } catch (error) {
        toast(`Tidy layout failed: ${(error as Error).message}`, 'error');
        return;
      }
      editorActions.placeNodes(positions);
      setTimeout(fitView, 30);
    },
    async copy() {
      const text = editorActions.copy();
      if (!text) return;
      await navigator.clipboard?.writeText(text).catch(() => undefined);
    },
    async cut() {
      const text = editorActions.cut();
      if (!text) return;
      await navigator.clipboard?.writeText(text).catch(() => undefined);
    },
    async paste() {
      // The system clipboard may hold anything; parseClipboard ignores what is not ours.
      const text = await navigator.clipboard?.readText().catch(() => undefined);
      const count = editorActions.paste(text);
      if (count === 0 && text) toast('The clipboard holds no CNN Studio layers to paste.');
    },
    duplicate: () => editorActions.duplicate(),
    group() {
      if (!editorActions.groupSelection()) toast('Select two or more layers to group them.');
    },
    ungroup: () => editorActions.ungroupSelection(),
    makeBlock: startMakeBlock,
    unfold() {
      if (editorActions.unfoldBlocks() === 0) toast('Select a block to unfold it into its layers.');
    },
    bypass: () => editorActions.toggleBypass(),
    freeze: () => editorActions.toggleFreeze(),
    toggleExpand() {
      const { doc, selection } = editorStore.getState();
      for (const n of doc.nodes.filter((x) => selection.nodes.includes(x.id))) {
        const def = getNodeType(n.type);
        if (def?.expand) editorActions.setExpanded(n.id, !n.expanded, innerListHeight(def, n.params));
      }
    },
    newProject,
    open: () => void openProjectFlow(),
    save: () => void saveProjectFlow(),
    saveAs: () => void saveProjectFlow(true),
    help: () => useUi.getState().openDialog('help'),
    presets: () => useUi.getState().openDialog('presets'),
    zoomIn: () => void flow.zoomIn({ duration: 150 }),
    zoomOut: () => void flow.zoomOut({ duration: 150 }),
    zoomReset: () => void flow.zoomTo(1, { duration: 150 }),
    addNode() {
      const screen = pointer();
      const position = flow.screenToFlowPosition(screen);
      useUi.getState().openAddMenu({ screen, position: { x: position.x - 80, y: position.y - 36 } });
    },
  };
}
