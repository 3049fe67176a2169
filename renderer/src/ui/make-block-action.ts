/** The Make block command: drafts the selection as a block and opens the dialog, or says why not. */
import { editorStore } from '../store/editor-store';
import { draftBlock } from '../store/user-blocks';
import { openMakeBlock } from './block-dialogs';
import { useUi } from './ui-store';

export function startMakeBlock(): void {
  const { doc, analysis, selection } = editorStore.getState();
  if (selection.nodes.length === 0) {
    useUi.getState().toast('Select the layers to make a block of.');
    return;
  }
  const result = draftBlock(doc, analysis, selection.nodes);
  if ('problem' in result) useUi.getState().toast(result.problem, 'error');
  else openMakeBlock(result.draft);
}
