/** The top bar: file commands, edit and view commands, the model's name and the engine status. */
import { titleWithKeys, type CommandId, type ShellKind } from '../../shared/commands';
import type { Commands } from './commands';
import { useEditor } from './store/editor-store';
import { useEngine } from './engine/connection';
import { fileName } from './files/file-actions';
import { ExportButton } from './export/ExportDialog';

interface Props {
  commands: Commands;
  shell: ShellKind;
  snap: boolean;
  onSnap(snap: boolean): void;
}

/** A toolbar button running one command; its tooltip names the command's key. */
function CommandButton({
  testId,
  label,
  command,
  commands,
  shell,
  description,
  disabled,
}: {
  testId: string;
  label: string;
  command: CommandId;
  commands: Commands;
  shell: ShellKind;
  /** Tooltip text when the table's description is too short for a lone button. */
  description?: string;
  disabled?: boolean;
}) {
  const title = titleWithKeys(command, shell, description);
  return (
    <button
      type="button"
      className="tool"
      data-testid={testId}
      data-command={command}
      title={title}
      aria-label={title}
      onClick={() => commands[command]()}
      disabled={disabled}
    >
      {label}
    </button>
  );
}

export function Toolbar({ commands, shell, snap, onSnap }: Props) {
  const run = { commands, shell };
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
        <CommandButton testId="file-new" label="New" command="newProject" {...run} />
        <CommandButton testId="file-open" label="Open" command="open" description="Open…" {...run} />
        <CommandButton testId="file-save" label="Save" command="save" {...run} />
        <CommandButton testId="presets" label="Presets" command="presets" {...run} />
        <ExportButton />
      </div>
      <div className="tool-group">
        <CommandButton testId="undo" label="↶" command="undo" disabled={!canUndo} {...run} />
        <CommandButton testId="redo" label="↷" command="redo" disabled={!canRedo} {...run} />
      </div>
      <div className="tool-group">
        <CommandButton testId="layout-tidy" label="Tidy" command="tidy" {...run} />
        <CommandButton testId="fit-view" label="Fit" command="fitView" {...run} />
        <label className="tool toggle" title="Snap to grid">
          <input
            type="checkbox"
            checked={snap}
            onChange={(e) => onSnap(e.target.checked)}
            data-testid="snap-grid"
          />
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
      <div
        className={`engine-status ${status}`}
        data-testid="engine-status"
        data-status={status}
        title={detail || undefined}
      >
        <span className="dot" />
        {status === 'online'
          ? 'Engine connected'
          : status === 'connecting'
            ? 'Connecting…'
            : 'Engine offline — editing still works'}
      </div>
      <CommandButton testId="help" label="?" command="help" description="Keyboard shortcuts" {...run} />
    </header>
  );
}
