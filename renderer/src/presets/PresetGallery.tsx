/**
 * The presets gallery: the book's CNNs, each with its description, input size and
 * parameter count, fetched from the engine. Loading one replaces the canvas as one
 * undoable step and fits the view.
 */
import { useEffect, useState } from 'react';
import type { PresetInfo } from '../../../engine/protocol/api';
import { formatCount, formatShape } from '../../../engine/graph/format';
import { loadGraphDocument } from '../../../engine/graph/load';
import { editorActions } from '../store/editor-store';
import { useEngine } from '../engine/connection';
import { useUi } from '../ui/ui-store';
import { Modal } from '../ui/Modal';

/** Fetches a preset, checks it like any file, and puts it on the canvas. */
export async function loadPreset(id: string): Promise<boolean> {
  const client = useEngine.getState().client;
  const { toast } = useUi.getState();
  if (!client) {
    toast('The engine is offline, so presets are not available.', 'error');
    return false;
  }
  try {
    const doc = loadGraphDocument(await client.getPreset(id));
    editorActions.replaceDocument(doc);
    toast(`Loaded ${doc.name}. Undo (Ctrl+Z) brings back your previous graph.`);
    return true;
  } catch (error) {
    toast(`Could not load preset "${id}": ${(error as Error).message}`, 'error');
    return false;
  }
}

export function PresetGallery() {
  const client = useEngine((s) => s.client);
  const status = useEngine((s) => s.status);
  const close = () => useUi.getState().openDialog(null);
  const [presets, setPresets] = useState<PresetInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!client) return;
    client.listPresets().then(setPresets, (e: Error) => setError(e.message));
  }, [client]);

  return (
    <Modal title="Presets from “Dive into Deep Learning”" onClose={close} testId="preset-gallery" wide>
      {!client && (
        <p className="muted">
          {status === 'connecting'
            ? 'Connecting to the engine…'
            : 'The engine is offline, so presets are not available. The editor still works.'}
        </p>
      )}
      {error && <p className="error-text">Could not list presets: {error}</p>}
      <div className="preset-grid">
        {presets?.map((p) => (
          <button
            type="button"
            key={p.id}
            className="preset-card"
            data-testid={`preset-${p.id}`}
            onClick={async () => {
              if (await loadPreset(p.id)) close();
            }}
          >
            <span className="preset-name">{p.name}</span>
            <span className="preset-desc">{p.description}</span>
            <span className="preset-facts">
              <span>input {formatShape(p.inputShape)}</span>
              <span>{formatCount(p.trainableParams)} params</span>
            </span>
          </button>
        ))}
      </div>
    </Modal>
  );
}
