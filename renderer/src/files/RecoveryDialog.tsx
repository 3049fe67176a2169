/** Offers back the autosaved copy of work that was never saved (after a crash or a closed tab). */
import type { GraphDocument } from '../../../engine/graph/document';
import { editorActions } from '../store/editor-store';
import { useEngine } from '../engine/connection';
import { Modal } from '../ui/Modal';

export function RecoveryDialog({ doc, onDone }: { doc: GraphDocument; onDone(): void }) {
  const discard = () => {
    void useEngine
      .getState()
      .client?.clearRecovery()
      .catch(() => undefined);
    onDone();
  };
  return (
    <Modal title="Recover unsaved work?" onClose={onDone} testId="recovery-dialog">
      <p>
        CNN Studio kept an autosaved copy of <strong>{doc.name}</strong> ({doc.nodes.length} layers) that was
        never saved.
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={discard} data-testid="recovery-discard">
          Discard it
        </button>
        <button
          type="button"
          className="primary"
          data-testid="recovery-restore"
          onClick={() => {
            editorActions.openDocument(doc, null);
            editorActions.markDirty();
            onDone();
          }}
        >
          Recover
        </button>
      </div>
    </Modal>
  );
}
