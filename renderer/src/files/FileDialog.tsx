/**
 * Browser mode's Open and Save As dialog: the project files in a folder on the engine's
 * machine, the recent ones, and a path field (Electron uses native dialogs instead).
 */
import { useEffect, useRef, useState } from 'react';
import type { ProjectFileInfo } from '../../../engine/protocol/api';
import { editorStore } from '../store/editor-store';
import { useEngine } from '../engine/connection';
import { useUi } from '../ui/ui-store';
import { Modal } from '../ui/Modal';
import { openPath, saveTo, suggestedName } from './file-actions';

export function FileDialog({ mode }: { mode: 'open' | 'save' }) {
  const client = useEngine((s) => s.client);
  const close = () => useUi.getState().openDialog(null);
  const [directory, setDirectory] = useState('');
  const [files, setFiles] = useState<ProjectFileInfo[]>([]);
  const [recent, setRecent] = useState<ProjectFileInfo[]>([]);
  const [path, setPath] = useState(() => editorStore.getState().path ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const personTyped = useRef(false);

  const list = (dir?: string) => {
    if (!client) return;
    client
      .listProjects(dir)
      .then((result) => {
        setDirectory(result.directory);
        setFiles(result.files);
        setError(null);
        // Suggest a name unless the person typed one: a listing that arrives late must not
        // overwrite it.
        if (mode === 'save' && !editorStore.getState().path)
          setPath((current) =>
            personTyped.current
              ? current
              : joinPath(result.directory, suggestedName(editorStore.getState().doc.name)),
          );
      })
      .catch((e: Error) => setError(e.message));
  };

  useEffect(() => {
    list();
    client?.recentProjects().then(setRecent, () => setRecent([]));
  }, [client]);

  const submit = async (target = path) => {
    if (!target.trim()) {
      setError('Type a file path.');
      return;
    }
    setBusy(true);
    const ok = mode === 'open' ? await openPath(target.trim()) : await saveTo(target.trim());
    setBusy(false);
    if (ok) close();
  };

  return (
    <Modal
      title={mode === 'open' ? 'Open a model' : 'Save the model as'}
      onClose={close}
      testId={`file-dialog-${mode}`}
    >
      {!client && <p className="error-text">The engine is offline; files are not reachable.</p>}
      <div className="field-row">
        <input
          className="grow"
          value={directory}
          aria-label="Folder"
          data-testid="file-dialog-folder"
          onChange={(e) => setDirectory(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && list(directory)}
        />
        <button type="button" onClick={() => list(directory)}>
          List
        </button>
      </div>
      <ul className="file-list" data-testid="file-list">
        {files.map((f) => (
          <li key={f.path}>
            <button
              type="button"
              onClick={() => {
                if (mode === 'open') return void submit(f.path);
                personTyped.current = true;
                setPath(f.path);
              }}
              data-testid={`file-item-${f.name}`}
            >
              <span>{f.name}</span>
              <span className="muted">{new Date(f.modifiedAt).toLocaleString()}</span>
            </button>
          </li>
        ))}
        {files.length === 0 && <li className="muted">No models in this folder.</li>}
      </ul>
      {mode === 'open' && recent.length > 0 && (
        <>
          <div className="panel-subtitle">Recent</div>
          <ul className="file-list">
            {recent.map((f) => (
              <li key={f.path}>
                <button type="button" onClick={() => void submit(f.path)}>
                  <span>{f.name}</span>
                  <span className="muted">{f.path}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="field-row">
        <input
          className="grow"
          value={path}
          placeholder="/path/to/model.cnn.json"
          aria-label="File path"
          data-testid="file-dialog-path"
          onChange={(e) => {
            personTyped.current = true;
            setPath(e.target.value);
          }}
          onKeyDown={(e) => e.key === 'Enter' && void submit()}
          autoFocus
        />
        <button
          type="button"
          className="primary"
          disabled={busy || !client}
          onClick={() => void submit()}
          data-testid="file-dialog-submit"
        >
          {mode === 'open' ? 'Open' : 'Save'}
        </button>
      </div>
      {error && <p className="error-text">{error}</p>}
    </Modal>
  );
}

function joinPath(dir: string, name: string): string {
  if (!dir) return name;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}
