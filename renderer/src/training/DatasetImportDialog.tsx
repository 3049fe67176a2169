/**
 * The Training panel's Import… dialog: a path on the engine's machine, the kind of data and
 * an optional name. The engine imports it (`importDataset`); errors are shown in its words,
 * and on success the new dataset's sample images and class names, with a button to train on it.
 */
import { useState } from 'react';
import type { DatasetInfo } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { Modal } from '../ui/Modal';
import { datasetSummary, guessImportKind, IMPORT_KINDS, type ImportKind } from './dataset-import';
import { SampleCanvas } from './SampleCanvas';
import { errorText, loadDatasets, loadSamples, useTraining } from './training-store';

const SAMPLE_COUNT = 12;

export function DatasetImportDialog({
  onClose,
  onUse,
}: {
  onClose(): void;
  /** Called with the imported dataset's id when the person chooses to train on it. */
  onUse(datasetId: string): void;
}) {
  const client = useEngine((s) => s.client);
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<ImportKind>('folder');
  const [kindChosen, setKindChosen] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [imported, setImported] = useState<DatasetInfo | null>(null);

  const changePath = (value: string) => {
    setPath(value);
    if (!kindChosen) setKind(guessImportKind(value));
  };

  const submit = async () => {
    if (!client) return;
    if (!path.trim()) {
      setError('Type the path of a folder or file to import.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const info = await client.importDataset({
        path: path.trim(),
        kind,
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      // A re-import under the same id must show the new images, not the cached ones.
      useTraining.setState((s) => {
        const samples = { ...s.samples };
        delete samples[info.id];
        return { samples };
      });
      setImported(info);
      await Promise.all([loadDatasets(), loadSamples(info.id, SAMPLE_COUNT)]);
    } catch (e) {
      setImported(null);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Import a dataset" onClose={onClose} testId="dataset-import-dialog">
      <div className="dataset-import">
        {!client && <p className="error-text">The engine is offline; nothing can be imported.</p>}
        <label className="field">
          <span>Path</span>
          <input
            value={path}
            placeholder="/data/my-images"
            data-testid="dataset-import-path"
            onChange={(e) => changePath(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
            autoFocus
          />
          <span className="muted small">
            The engine reads this path on the machine it runs on — in browser mode that is the engine&rsquo;s
            computer, not the one this browser runs on.
          </span>
        </label>
        <label className="field">
          <span>Kind</span>
          <select
            value={kind}
            data-testid="dataset-import-kind"
            onChange={(e) => {
              setKind(e.target.value as ImportKind);
              setKindChosen(true);
            }}
          >
            {IMPORT_KINDS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Name (optional)</span>
          <input
            value={name}
            placeholder="the folder or file name"
            data-testid="dataset-import-name"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
          />
        </label>
        {error && (
          <p className="error-text" role="alert" data-testid="dataset-import-error">
            {error}
          </p>
        )}
        {imported && <ImportedDataset info={imported} />}
        <div className="dialog-actions dataset-import-actions">
          <button type="button" onClick={onClose} data-testid="dataset-import-close">
            {imported ? 'Close' : 'Cancel'}
          </button>
          {imported ? (
            <button
              type="button"
              className="primary"
              data-testid="dataset-import-use"
              onClick={() => onUse(imported.id)}
            >
              Train on {imported.name}
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={busy || !client}
              data-testid="dataset-import-submit"
              onClick={() => void submit()}
            >
              {busy ? 'Importing…' : 'Import'}
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}

function ImportedDataset({ info }: { info: DatasetInfo }) {
  const samples = useTraining((s) => s.samples[info.id]);
  return (
    <section className="dataset-import-result" data-testid="dataset-import-result" aria-live="polite">
      <p>
        Imported <strong>{info.name}</strong> as <code>{info.id}</code>: {datasetSummary(info)}.
      </p>
      {info.testSize === 0 && (
        <p className="muted small">It has no test images, so runs on it have no test set to report on.</p>
      )}
      <div className="sample-strip" data-testid="dataset-import-samples">
        {(samples ?? []).map((sample, i) => (
          <figure key={i} className="dataset-import-sample">
            <SampleCanvas
              image={sample}
              size={48}
              title={info.classNames[sample.label] ?? String(sample.label)}
            />
            <figcaption>{info.classNames[sample.label] ?? sample.label}</figcaption>
          </figure>
        ))}
        {samples?.length === 0 && <span className="muted small">No sample images to show.</span>}
      </div>
      <p className="small" data-testid="dataset-import-classes">
        <span className="muted">Classes: </span>
        {info.classNames.join(' · ')}
      </p>
    </section>
  );
}
