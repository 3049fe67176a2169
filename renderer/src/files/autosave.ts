/**
 * Autosave: every few seconds, if the document changed, a recovery copy goes to the
 * engine; on start, a recovery copy left by a crash is offered back. In the browser,
 * closing the tab with unsaved changes asks first; in Electron the app is told instead.
 */
import type { GraphDocument } from '../../../engine/graph/document';
import { loadGraphDocument } from '../../../engine/graph/load';
import { editorStore } from '../store/editor-store';
import { bridge, onEngineConnected, useEngine } from '../engine/connection';

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

  const electron = bridge();
  const unsubscribeDirty = electron
    ? editorStore.subscribe((s, prev) => s.dirty !== prev.dirty && electron.setDirty(s.dirty))
    : () => undefined;
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!editorStore.getState().dirty) return;
    event.preventDefault();
    event.returnValue = '';
  };
  if (!electron) window.addEventListener('beforeunload', onBeforeUnload);

  return () => {
    stopConnected();
    clearInterval(timer);
    unsubscribeDirty();
    window.removeEventListener('beforeunload', onBeforeUnload);
  };
}
