/**
 * Autosave: every few seconds, if the document changed, a recovery copy goes to the
 * engine; on start, a recovery copy left by a crash is offered back. Closing with unsaved
 * changes asks first (the host's guard: the tab's unload question, or Electron's window).
 */
import type { GraphDocument } from '../../../engine/graph/document';
import { loadGraphDocument } from '../../../engine/graph/load';
import { editorStore } from '../store/editor-store';
import { onEngineConnected, useEngine } from '../engine/connection';
import { host } from '../host/host';

export const AUTOSAVE_MS = 4000;

/** Starts autosaving and the unsaved-changes guards; returns a function that stops them. */
export function startAutosave(offerRecovery: (doc: GraphDocument) => void): () => void {
  let lastSaved: GraphDocument | null = null;
  let checkedRecovery = false;

  const stopConnected = onEngineConnected((client) => {
    if (checkedRecovery) return;
    checkedRecovery = true;
    client
      .loadRecovery()
      .then((raw) => {
        if (!raw) return;
        const doc = loadGraphDocument(raw);
        if (doc.nodes.length > 0) offerRecovery(doc);
      })
      .catch(() => undefined);
  });

  const timer = setInterval(() => {
    const { doc, dirty } = editorStore.getState();
    const engine = useEngine.getState().client;
    if (!dirty || doc === lastSaved || !engine) return;
    lastSaved = doc;
    engine.saveRecovery(doc).catch(() => {
      lastSaved = null;
    });
  }, AUTOSAVE_MS);

  const stopGuard = host().guardUnsavedChanges({
    isDirty: () => editorStore.getState().dirty,
    subscribe: (listener) => editorStore.subscribe((s, prev) => s.dirty !== prev.dirty && listener(s.dirty)),
  });

  return () => {
    stopConnected();
    clearInterval(timer);
    stopGuard();
  };
}
