/**
 * The editor's commands, shared by the toolbar, the keyboard shortcuts and (in Electron)
 * the native menu, so each does exactly the same thing wherever it is triggered.
 */
import { useMemo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { editorActions, editorStore } from './store/editor-store';
import { useUi } from './ui/ui-store';
import { tidyLayout } from './canvas/layout';
import { innerListHeight } from './canvas/block-layers';
import { getNodeType } from '../../engine/nodes/registry';
import { newProject, openProjectFlow, saveProjectFlow } from './files/file-actions';
import { FIT_OPTIONS, GRID } from './canvas/Canvas';

export type Commands = ReturnType<typeof useCommands>;

export function useCommands() {
  const flow = useReactFlow();
  return useMemo(() => {
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
            return n?.measured.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined;
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
      bypass: () => editorActions.toggleBypass(),
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
    };
  }, [flow]);
}
