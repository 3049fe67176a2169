/**
 * Transient UI state that is not part of the document: toasts, the open dialog, the
 * search-to-add menu, the bottom dock's tab, the block opened as a graph and the run the
 * canvas marks its differences from.
 */
import { create } from 'zustand';
import type { GraphDocument, XY } from '../../../engine/graph/document';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
}

/** Where the search-to-add menu is open, and what a new node should connect to. */
export interface AddMenuState {
  /** Screen position of the menu. */
  screen: XY;
  /** Canvas position for the new node. */
  position: XY;
  /** When opened by dropping a dragged link: the port it came from. */
  from?: { nodeId: string; port: string; side: 'source' | 'target' };
}

/** A run's graph the canvas compares the edited graph with (architecture diff). */
export interface DiffBase {
  runId: string;
  /** How the legend names it, e.g. `LeNet · 3f9a2c`. */
  label: string;
  graph: GraphDocument;
}

export type DialogName = 'open' | 'save' | 'help' | 'presets' | 'recovery' | null;
export type DockTab = 'summary' | 'training';

interface UiState {
  toasts: Toast[];
  dialog: DialogName;
  addMenu: AddMenuState | null;
  dockTab: DockTab;
  /** The block node (by id) whose inside the canvas shows instead of the model, if any. */
  openBlockId: string | null;
  /** When set, the canvas marks what was added, removed and changed since this graph. */
  diffBase: DiffBase | null;
  toast(message: string, kind?: Toast['kind']): void;
  dismissToast(id: number): void;
  openDialog(dialog: DialogName): void;
  openAddMenu(menu: AddMenuState | null): void;
  setDockTab(tab: DockTab): void;
  /** Opens a block's inside as a graph (`null` goes back to the model). */
  openBlock(nodeId: string | null): void;
  setDiffBase(base: DiffBase | null): void;
}

let nextToastId = 1;
const TOAST_MS = 5000;

export const useUi = create<UiState>((set, get) => ({
  toasts: [],
  dialog: null,
  addMenu: null,
  dockTab: 'summary',
  openBlockId: null,
  diffBase: null,
  toast(message, kind = 'info') {
    const id = nextToastId++;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, message }] });
    setTimeout(() => get().dismissToast(id), kind === 'error' ? TOAST_MS * 1.5 : TOAST_MS);
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  openDialog(dialog) {
    set({ dialog });
  },
  openAddMenu(addMenu) {
    set({ addMenu });
  },
  setDockTab(dockTab) {
    set({ dockTab });
  },
  openBlock(openBlockId) {
    set({ openBlockId });
  },
  setDiffBase(diffBase) {
    set({ diffBase });
  },
}));
