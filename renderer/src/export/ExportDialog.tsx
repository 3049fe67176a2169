/**
 * File → Export…: the model as PyTorch or Keras code, TensorFlow.js files or an ONNX file, optionally
 * with the trained weights of a finished run; every returned file is offered for download
 * with its size. Import (ImportModel.tsx) reads a Keras / TensorFlow.js model, with its
 * weights when given, back into the editor (one undoable step).
 */
import { useEffect, useMemo, useState } from 'react';
import type { ExportTarget, RunRecord } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { editorStore } from '../store/editor-store';
import { errorText, initTraining, refreshRuns, useTraining } from '../training/training-store';
import { Modal } from '../ui/Modal';
import { formatSize, toDownloadable } from './exported-files';
import { ImportModel } from './ImportModel';
import './export.css';

const TARGETS: Array<[ExportTarget, string, string]> = [
  [
    'pytorch',
    'PyTorch',
    'model.py: an nn.Module with the same layers (and a weights file when a run is chosen)',
  ],
  ['keras', 'Keras', 'Python code building the same model with tf.keras'],
  ['tfjs', 'TensorFlow.js', 'model.json and weights, loadable with tf.loadLayersModel'],
  ['onnx', 'ONNX', 'model.onnx (opset 13, NCHW input) with the weights, for onnxruntime and other tools'],
];

interface Offered {
  name: string;
  path: string;
  size: number;
  url: string;
}

/** Runs whose weights can be exported: finished (done or stopped) with a result. */
function exportableRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => (r.status === 'done' || r.status === 'stopped') && r.result);
}

export function ExportButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="tool"
        data-testid="file-export"
        title="Export the model (PyTorch, Keras, TensorFlow.js, ONNX) or import one"
        aria-label="Export…"
        onClick={() => setOpen(true)}
      >
        Export…
      </button>
      {open && <ExportDialog onClose={() => setOpen(false)} />}
    </>
  );
}

export function ExportDialog({ onClose }: { onClose(): void }) {
  const engine = useEngine((s) => s.client);
  const runs = useTraining((s) => s.runs);
  const choices = useMemo(() => exportableRuns(runs), [runs]);
  const [target, setTarget] = useState<ExportTarget>('pytorch');
  const [runId, setRunId] = useState('');
  const [busy, setBusy] = useState(false);
  const [files, setFiles] = useState<Offered[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    initTraining();
    void refreshRuns();
  }, []);
  // Blob URLs live until the next export or the dialog closes.
  useEffect(() => () => files.forEach((f) => URL.revokeObjectURL(f.url)), [files]);

  const run = choices.find((r) => r.id === runId);

  const exportNow = async () => {
    if (!engine) {
      setError('The engine is not connected, so nothing can be exported right now.');
      return;
    }
    setBusy(true);
    setError(null);
    setFiles([]);
    try {
      // Weights belong to the graph the run trained, which may differ from the one on screen.
      const graph = run ? run.graph : editorStore.getState().doc;
      const exported = await engine.exportModel(graph, target, run?.id);
      setFiles(
        exported.map((file) => {
          const d = toDownloadable(file);
          return {
            name: d.name,
            path: d.path,
            size: d.bytes.length,
            url: URL.createObjectURL(new Blob([d.bytes], { type: d.mime })),
          };
        }),
      );
    } catch (e) {
      setError(`Export failed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Export the model" onClose={onClose} testId="export-dialog">
      <div className="export-form">
        <label className="field">
          <span>Format</span>
          <select
            data-testid="export-target"
            value={target}
            onChange={(e) => setTarget(e.target.value as ExportTarget)}
          >
            {TARGETS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">{TARGETS.find(([id]) => id === target)?.[2]}</p>
        <label className="field">
          <span>Weights</span>
          <select data-testid="export-run" value={runId} onChange={(e) => setRunId(e.target.value)}>
            <option value="">None — the architecture only (fresh weights)</option>
            {choices.map((r) => (
              <option key={r.id} value={r.id}>
                With weights of run “{r.name}” ({((r.result?.testAccuracy ?? 0) * 100).toFixed(1)} %)
              </option>
            ))}
          </select>
        </label>
        {run && <p className="muted small">The run's own graph is exported, so the weights fit it.</p>}
        <div>
          <button
            type="button"
            className="primary"
            data-testid="export-go"
            disabled={busy}
            onClick={() => void exportNow()}
          >
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
        {error && (
          <p className="error-text" data-testid="export-error" role="alert">
            {error}
          </p>
        )}
        {files.length > 0 && (
          <ul className="export-files" data-testid="export-files">
            {files.map((f) => (
              <li key={f.path}>
                <a href={f.url} download={f.name} data-testid="export-file" data-path={f.path}>
                  {f.path}
                </a>
                <span className="muted small"> {formatSize(f.size)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <ImportModel onImported={onClose} />
    </Modal>
  );
}
