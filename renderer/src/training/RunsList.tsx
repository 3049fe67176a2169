/**
 * The runs the engine keeps, newest first: status, final test accuracy, date. Click a run
 * to show it; tick runs to compare; open a run's graph in the editor (undoable), resume it
 * from its last checkpoint, or delete it (click twice).
 */
import { useState } from 'react';
import type { RunRecord } from '../../../engine/protocol/api';
import { editorActions } from '../store/editor-store';
import { useUi } from '../ui/ui-store';
import { formatDate, formatPercent } from './format';
import { isActive, panelStatus, runStatus, trainingActions, useTraining } from './training-store';

export function RunsList() {
  const runs = useTraining((s) => s.runs);
  return (
    <section className="runs" aria-label="Runs">
      <header className="runs-head">
        Runs <span className="muted">({runs.length})</span>
      </header>
      {runs.length === 0 && (
        <p className="muted small runs-empty">Finished and running trainings appear here.</p>
      )}
      <ul className="runs-list" data-testid="runs-list">
        {runs.map((run) => (
          <RunRow key={run.id} run={run} />
        ))}
      </ul>
    </section>
  );
}

function RunRow({ run }: { run: RunRecord }) {
  const current = useTraining((s) => s.currentRunId === run.id);
  const compared = useTraining((s) => s.compare.includes(run.id));
  const status = useTraining((s) => runStatus(s, run.id));
  const [confirming, setConfirming] = useState(false);
  const accuracy = run.result?.testAccuracy ?? run.epochs.at(-1)?.testAccuracy ?? null;
  const active = isActive(status);
  return (
    <li
      className={current ? 'run-row current' : 'run-row'}
      data-testid={`run-${run.id}`}
      data-run-id={run.id}
      data-status={status ?? ''}
      onClick={() => trainingActions.show(run.id)}
    >
      <input
        type="checkbox"
        aria-label="Compare this run"
        title="Compare"
        data-testid={`run-compare-${run.id}`}
        checked={compared}
        onClick={(e) => e.stopPropagation()}
        onChange={() => trainingActions.toggleCompare(run.id)}
      />
      <div className="run-main">
        <div className="run-name" title={run.name}>
          {run.name}
        </div>
        <div className="run-meta small muted">
          <span className={`run-status ${panelStatus(status)}`}>{status}</span> · {formatPercent(accuracy)} ·{' '}
          {formatDate(run.startedAt)}
        </div>
      </div>
      <div className="run-actions" onClick={(e) => e.stopPropagation()}>
        <button
          type="button"
          className="icon"
          title="Open this run's graph in the editor (undo returns to yours)"
          data-testid={`run-open-${run.id}`}
          onClick={() => {
            editorActions.replaceDocument(run.graph);
            useUi.getState().toast(`Opened the graph of run "${run.name}".`);
          }}
        >
          ⇱
        </button>
        {run.resumable && !active && (
          <button
            type="button"
            className="icon"
            title="Resume from its last checkpoint"
            data-testid={`run-resume-${run.id}`}
            onClick={() => void trainingActions.start(run.id)}
          >
            ⟳
          </button>
        )}
        <button
          type="button"
          className={confirming ? 'icon danger' : 'icon'}
          title={confirming ? 'Click again to delete this run' : 'Delete this run'}
          data-testid={`run-delete-${run.id}`}
          onBlur={() => setConfirming(false)}
          onClick={() => (confirming ? void trainingActions.remove(run.id) : setConfirming(true))}
        >
          {confirming ? 'Delete?' : '✕'}
        </button>
      </div>
    </li>
  );
}
