/**
 * The editor's state: the document being edited, the selection, its analysis, the undo
 * history, and whether it differs from what was last saved.
 *
 * Every change goes through `change()`, which records an undo step and re-runs the
 * analysis — except pure moves (`placeNodes`): positions never change shapes, so a drag,
 * which the canvas reports once when it ends, is one undo step and no re-analysis.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type ParamValue,
  type XY,
} from '../../../engine/graph/document';
import type { GraphAnalysis } from '../../../engine/graph/types';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { isFrozen, setFrozen } from '../../../engine/graph/freeze';
import { unfoldBlock } from '../../../engine/graph/fold';
import { getNodeType } from '../../../engine/nodes/registry';
import * as edit from './graph-edit';
import { copySelection, parseClipboard, pastePayload, type ClipboardPayload } from './clipboard';
import { addLinked, type LinkEnd } from './fitting';
import * as groups from './groups';
import { emptyHistory, record, redo, undo, type History } from './history';
import type { FixIt } from './fixits';
import type { UserBlockDefinition } from '../../../engine/nodes/user-block';
import { libraryDefinition } from './block-library';
import * as userBlocks from './user-blocks';

export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

export interface EditorState {
  doc: GraphDocument;
  analysis: GraphAnalysis;
  selection: Selection;
  history: History<GraphDocument>;
  /** The document as last saved or opened; `dirty` is `doc !== savedDoc`. */
  savedDoc: GraphDocument;
  dirty: boolean;
  /** Where the document lives on the engine's machine, or null if never saved. */
  path: string | null;
  /** The last copied selection, for when the system clipboard is not available. */
  clipboard: ClipboardPayload | null;
  /** Bumped whenever the view should fit the graph (preset loaded, file opened, layout). */
  fitRequest: number;
}

/** A blank document: no nodes, the default training settings, left-to-right layout. */
export function emptyDocument(name = 'Untitled'): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: [],
    edges: [],
    training: { ...DEFAULT_TRAINING },
    layout: { direction: 'LR' },
    meta: {},
  };
}

/** `analyzeGraph`, but never throws: an internal failure becomes one readable issue. */
export function safeAnalyze(doc: GraphDocument): GraphAnalysis {
  try {
    return analyzeGraph(doc);
  } catch (error) {
    return {
      valid: false,
      issues: [
        { severity: 'error', code: 'unknown-type', message: `Analysis failed: ${(error as Error).message}` },
      ],
      nodes: {},
      order: [],
      inputNodeId: null,
      outputNodeId: null,
      inputShape: null,
      outputShape: null,
      totals: { trainable: 0, nonTrainable: 0, macs: 0, activationBytes: 0 },
    };
  }
}

const PASTE_OFFSET: XY = { x: 40, y: 40 };

/** Creates an independent editor store (the app uses one; tests make their own). */
export function createEditorStore(initial: GraphDocument = emptyDocument()) {
  const store = createStore<EditorState>(() => ({
    doc: initial,
    analysis: safeAnalyze(initial),
    selection: { nodes: [], edges: [] },
    history: emptyHistory(),
    savedDoc: initial,
    dirty: false,
    path: null,
    clipboard: null,
    fitRequest: 0,
  }));
  const get = store.getState;
  const set = store.setState;

  /** The coalescing key of the last change: repeated edits with one key make one undo step. */
  let lastKey: string | null = null;

  /**
   * Applies a new document as one undoable step; keeps only selected ids that still exist.
   * Successive changes with the same `coalesce` key (typing into one field) share a step.
   */
  function change(next: GraphDocument, selection?: Selection, coalesce?: string): void {
    const { doc } = get();
    if (next === doc && !selection) return;
    const merge = coalesce !== undefined && coalesce === lastKey;
    lastKey = next === doc ? lastKey : (coalesce ?? null);
    const { history } = get();
    const ids = new Set(next.nodes.map((n) => n.id));
    const edgeIds = new Set(next.edges.map((e) => e.id));
    const sel = selection ?? get().selection;
    set({
      doc: next,
      analysis: next === doc ? get().analysis : safeAnalyze(next),
      history: next === doc || merge ? history : record(history, doc),
      dirty: next !== get().savedDoc,
      selection: {
        nodes: sel.nodes.filter((id) => ids.has(id)),
        edges: sel.edges.filter((id) => edgeIds.has(id)),
      },
    });
  }

  function selectedOr(ids?: Iterable<string>): string[] {
    return ids ? [...ids] : [...get().selection.nodes];
  }

  function restore(step: { state: GraphDocument; history: History<GraphDocument> } | null): void {
    if (!step) return;
    lastKey = null;
    const ids = new Set(step.state.nodes.map((n) => n.id));
    set((s) => ({
      doc: step.state,
      history: step.history,
      analysis: safeAnalyze(step.state),
      dirty: step.state !== s.savedDoc,
      selection: { nodes: s.selection.nodes.filter((id) => ids.has(id)), edges: [] },
    }));
  }

  const actions = {
    /** Adds a node at a position, selects it and returns its id. */
    addNode(type: string, position: XY): string {
      // A block from the person's library brings its definition into the document.
      const withBlock = userBlocks.withDefinition(get().doc, libraryDefinition(type));
      const { doc, id } = edit.addNode(withBlock, type, position);
      change(doc, { nodes: [id], edges: [] });
      return id;
    },
    /**
     * Adds a node linked to a dangling link's port (one undo step). Returns the reason
     * when that type does not fit there; then nothing changes.
     */
    addNodeLinked(type: string, position: XY, from: LinkEnd): string | null {
      const result = addLinked(get().doc, type, position, from, safeAnalyze);
      if ('problem' in result) return result.problem;
      change(result.doc, { nodes: [result.id], edges: [] });
      return null;
    },
    deleteSelection(): void {
      const { nodes, edges } = get().selection;
      change(edit.removeItems(get().doc, nodes, edges), { nodes: [], edges: [] });
    },
    deleteItems(nodes: Iterable<string>, edges: Iterable<string> = []): void {
      change(edit.removeItems(get().doc, nodes, edges));
    },
    select(selection: Partial<Selection>): void {
      set((s) => ({
        selection: {
          nodes: selection.nodes ?? s.selection.nodes,
          edges: selection.edges ?? s.selection.edges,
        },
      }));
    },
    selectAll(): void {
      const { doc } = get();
      set({ selection: { nodes: doc.nodes.map((n) => n.id), edges: doc.edges.map((e) => e.id) } });
    },
    /** Moves nodes as one undoable step (a finished drag, a layout), without re-analysis. */
    placeNodes(positions: ReadonlyMap<string, XY>): void {
      const { doc, history, savedDoc } = get();
      const next = edit.moveNodes(doc, positions);
      if (next === doc) return;
      lastKey = null;
      set({ doc: next, history: record(history, doc), dirty: next !== savedDoc });
    },
    /** Applies a fix-it (fixits.ts) as one undoable step. */
    applyFix(fix: FixIt): void {
      lastKey = null;
      change(fix.apply(get().doc));
    },
    /** Links two ports; returns the reason when the link is refused (nothing changes then). */
    connect(request: edit.ConnectionRequest): string | null {
      const problem = edit.connectionProblem(get().doc, request, safeAnalyze);
      if (!problem) change(edit.connect(get().doc, request));
      return problem;
    },
    /** Moves an existing link's ends; returns the reason when refused. */
    reconnect(edgeId: string, request: edit.ConnectionRequest): string | null {
      const without = edit.removeItems(get().doc, [], [edgeId]);
      const problem = edit.connectionProblem(without, request, safeAnalyze);
      if (!problem) change(edit.rewire(get().doc, edgeId, request));
      return problem;
    },
    /** Splices an unlinked node into a link; returns false when that is not possible. */
    insertOnEdge(nodeId: string, edgeId: string): boolean {
      const next = edit.insertOnEdge(get().doc, nodeId, edgeId);
      if (next) change(next);
      return next !== null;
    },
    /**
     * Sets a param (already validated by the caller) on the given or selected nodes.
     * Edits of one field of the same nodes in a row coalesce into one undo step.
     */
    setParam(name: string, value: ParamValue, ids?: Iterable<string>): void {
      const targets = selectedOr(ids);
      change(edit.setParam(get().doc, targets, name, value), undefined, `param:${name}:${targets.join(',')}`);
    },
    setLabel(id: string, label: string): void {
      const trimmed = label.trim();
      change(
        edit.updateNodes(get().doc, [id], (n) => {
          const { label: _old, ...rest } = n;
          return trimmed ? { ...rest, label: trimmed } : rest;
        }),
      );
    },
    /** Bypasses the nodes, or un-bypasses them when all already are. */
    toggleBypass(ids?: Iterable<string>): void {
      const targets = selectedOr(ids);
      const nodes = get().doc.nodes.filter((n) => targets.includes(n.id));
      if (nodes.length === 0) return;
      const bypass = !nodes.every((n) => n.bypassed);
      change(
        edit.updateNodes(get().doc, targets, (n) => {
          const { bypassed: _old, ...rest } = n;
          return bypass ? { ...rest, bypassed: true } : rest;
        }),
      );
    },
    /** Replaces the block nodes among `ids` (or the selection) with their layers; one undo step. Returns how many. */
    unfoldBlocks(ids?: Iterable<string>): number {
      const targets = selectedOr(ids);
      const blocks = get().doc.nodes.filter((n) => targets.includes(n.id) && getNodeType(n.type)?.expand);
      if (blocks.length === 0) return 0;
      change(blocks.reduce((doc, block) => unfoldBlock(doc, block.id), get().doc));
      return blocks.length;
    },
    /** Freezes the nodes (their weights are not trained), or unfreezes them when all already are; one undo step. */
    toggleFreeze(ids?: Iterable<string>): void {
      const targets = selectedOr(ids);
      const nodes = get().doc.nodes.filter((n) => targets.includes(n.id));
      if (nodes.length === 0) return;
      change(setFrozen(get().doc, targets, !nodes.every(isFrozen)));
    },
    /**
     * Expands or collapses a block node's inner layers. With `room` (the height the inner
     * list takes), the layers after it move along to make (or close) that room, in the
     * same undo step.
     */
    setExpanded(id: string, expanded: boolean, room = 0): void {
      const node = get().doc.nodes.find((n) => n.id === id);
      if (!node || Boolean(node.expanded) === expanded) return;
      const toggled = edit.updateNodes(get().doc, [id], (n) => {
        const { expanded: _old, ...rest } = n;
        return expanded ? { ...rest, expanded: true } : rest;
      });
      change(edit.makeRoom(toggled, id, expanded ? room : -room));
    },
    /**
     * Make block: the drafted layers become one instance of `definition` (added to the
     * document), wired as they were; one undo step. Returns the instance's id.
     */
    makeBlock(draft: userBlocks.BlockDraft, definition: UserBlockDefinition): string {
      lastKey = null;
      const { doc, id } = userBlocks.makeBlock(get().doc, draft, definition);
      change(doc, { nodes: [id], edges: [] });
      return id;
    },
    /** Replaces a block definition: every instance follows, as one undo step. */
    updateBlockDefinition(definition: UserBlockDefinition): void {
      lastKey = null;
      change(userBlocks.replaceDefinition(get().doc, definition));
    },
    /** Ctrl+G: frames the selected layers as a named group; returns its id, or null for < 2 layers. */
    groupSelection(): string | null {
      const result = groups.groupNodes(get().doc, get().selection.nodes);
      if (result) change(result.doc);
      return result?.id ?? null;
    },
    /** Ctrl+Shift+G: removes the groups holding the selected layers. */
    ungroupSelection(): void {
      change(groups.ungroupNodes(get().doc, get().selection.nodes));
    },
    ungroup(groupId: string): void {
      const group = groups.readGroups(get().doc).find((g) => g.id === groupId);
      if (group) change(groups.ungroupNodes(get().doc, group.nodeIds));
    },
    setGroupCollapsed(groupId: string, collapsed: boolean): void {
      change(groups.setGroupCollapsed(get().doc, groupId, collapsed));
    },
    renameGroup(groupId: string, label: string): void {
      if (label.trim()) change(groups.renameGroup(get().doc, groupId, label.trim()));
    },
    setDocument(update: (doc: GraphDocument) => GraphDocument): void {
      change(update(get().doc));
    },
    /** Copies the selected nodes (and links among them); returns the payload as text. */
    copy(): string | null {
      const { doc, selection } = get();
      if (selection.nodes.length === 0) return null;
      const payload = copySelection(doc, selection.nodes);
      set({ clipboard: payload });
      return JSON.stringify(payload);
    },
    cut(): string | null {
      const text = actions.copy();
      if (text) actions.deleteSelection();
      return text;
    },
    /**
     * Pastes clipboard text (or the internal clipboard when `text` is absent or not ours),
     * offset from the originals; selects the pasted nodes. Returns how many were pasted.
     */
    paste(text?: string, offset: XY = PASTE_OFFSET): number {
      const payload = (text !== undefined ? parseClipboard(text) : null) ?? get().clipboard;
      if (!payload) return 0;
      const { doc, ids } = pastePayload(get().doc, payload, offset);
      // Blocks of one's own copied from another project bring their definitions along.
      change(userBlocks.withUsedDefinitions(doc), { nodes: ids, edges: [] });
      // Paste again → further down, like every editor.
      set({
        clipboard: {
          ...payload,
          nodes: payload.nodes.map((n) => ({
            ...n,
            position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
          })),
        },
      });
      return ids.length;
    },
    duplicate(): number {
      const { doc, selection } = get();
      if (selection.nodes.length === 0) return 0;
      const { doc: next, ids } = pastePayload(doc, copySelection(doc, selection.nodes), PASTE_OFFSET);
      change(next, { nodes: ids, edges: [] });
      return ids.length;
    },
    undo(): void {
      restore(undo(get().history, get().doc));
    },
    redo(): void {
      restore(redo(get().history, get().doc));
    },
    /** Replaces the whole document as one undoable step (a preset) and fits the view. */
    replaceDocument(doc: GraphDocument): void {
      change(doc, { nodes: [], edges: [] });
      set((s) => ({ fitRequest: s.fitRequest + 1 }));
    },
    /** Opens a document from a file: a fresh start, no undo back into the old project. */
    openDocument(doc: GraphDocument, path: string | null): void {
      lastKey = null;
      set((s) => ({
        doc,
        analysis: safeAnalyze(doc),
        selection: { nodes: [], edges: [] },
        history: emptyHistory(),
        savedDoc: doc,
        dirty: false,
        path,
        fitRequest: s.fitRequest + 1,
      }));
    },
    /** Records that the current document was saved at `path`. */
    markSaved(path: string, saved: GraphDocument = get().doc): void {
      set((s) => ({ path, savedDoc: saved, dirty: s.doc !== saved }));
    },
    /** Marks the document as needing a save (e.g. one recovered from autosave). */
    markDirty(): void {
      set({ savedDoc: emptyDocument('(unsaved)'), dirty: true });
    },
    requestFit(): void {
      set((s) => ({ fitRequest: s.fitRequest + 1 }));
    },
  };
  return Object.assign(store, { actions });
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/** The app's one editor store. */
export const editorStore = createEditorStore();
export const editorActions = editorStore.actions;

/** React hook: a slice of the editor state. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(editorStore, selector);
}
