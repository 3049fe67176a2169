/** The top bar: file commands, edit and view commands, the model's name and the engine status. */
import type { Commands } from './commands';
import { useEditor } from './store/editor-store';
import { useEngine } from './engine/connection';
import { fileName } from './files/file-actions';
import { ExportButton } from './export/ExportDialog';

interface Props {
  commands: Commands;
  snap: boolean;
  onSnap(snap: boolean): void;
}

function Button({ id, label, title, onClick, disabled }: { id: string; label: string; title: string; onClick(): void; disabled?: boolean }) {
  return (
    <button type="button" className="tool" data-testid={id} title={title} aria-label={title} onClick={onClick} disabled={disabled}>
      {label}
    </button>
  );
}

export function Toolbar({ commands, snap, onSnap }: Props) {
  const name = useEditor((s) => s.doc.name);
  const path = useEditor((s) => s.path);
  const dirty = useEditor((s) => s.dirty);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const status = useEngine((s) => s.status);
  const detail = useEngine((s) => s.detail);
  return (
    <header className="toolbar">
      <div className="brand">
        <span className="logo" aria-hidden>
          ◧
        </span>
        CNN Studio
      </div>
      <div className="tool-group">
        <Button id="file-new" label="New" title="New model" onClick={commands.newProject} />
        <Button id="file-open" label="Open" title="Open… (Ctrl+O)" onClick={commands.open} />
        <Button id="file-save" label="Save" title="Save (Ctrl+S)" onClick={commands.save} />
        <Button id="presets" label="Presets" title="Load a preset from the book" onClick={commands.presets} />
        <ExportButton />
      </div>
      <div className="tool-group">
        <Button id="undo" label="↶" title="Undo (Ctrl+Z)" onClick={commands.undo} disabled={!canUndo} />
        <Button id="redo" label="↷" title="Redo (Ctrl+Shift+Z)" onClick={commands.redo} disabled={!canRedo} />
      </div>
      <div className="tool-group">
        <Button id="layout-tidy" label="Tidy" title="Tidy layout (Ctrl+L)" onClick={() => void commands.tidy()} />
        <Button id="fit-view" label="Fit" title="Fit the view (F)" onClick={commands.fitView} />
        <label className="tool toggle" title="Snap to grid">
          <input type="checkbox" checked={snap} onChange={(e) => onSnap(e.target.checked)} data-testid="snap-grid" />
          Snap
        </label>
      </div>
      <div className="doc-title" data-testid="doc-title" title={path ?? 'Not saved yet'}>
        {dirty && (
          <span className="dirty-dot" data-testid="dirty-marker" title="Unsaved changes">
            ●
          </span>
        )}
        <span>{name}</span>
        {path && <span className="muted"> — {fileName(path)}</span>}
      </div>
      <div className={`engine-status ${status}`} data-testid="engine-status" data-status={status} title={detail || undefined}>
        <span className="dot" />
        {status === 'online' ? 'Engine connected' : status === 'connecting' ? 'Connecting…' : 'Engine offline — editing still works'}
      </div>
      <Button id="help" label="?" title="Keyboard shortcuts (?)" onClick={commands.help} />
    </header>
  );
}
