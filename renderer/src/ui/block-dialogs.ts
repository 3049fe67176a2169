/** Which block dialog is open: Make block (with the drafted selection) or a definition's editor. */
import { create } from 'zustand';
import type { BlockDraft } from '../store/user-blocks';

interface BlockDialogs {
  /** The selection drafted as a block, while the Make block dialog is open. */
  making: BlockDraft | null;
  /** The type whose definition the editor dialog shows. */
  editing: string | null;
}

export const useBlockDialogs = create<BlockDialogs>(() => ({ making: null, editing: null }));

export const openMakeBlock = (draft: BlockDraft) =>
  useBlockDialogs.setState({ making: draft, editing: null });
export const openBlockDefinition = (type: string) =>
  useBlockDialogs.setState({ editing: type, making: null });
export const closeBlockDialogs = () => useBlockDialogs.setState({ making: null, editing: null });
