/**
 * The Training tab of the dock: settings on the left, controls and live numbers on top,
 * the run's curves (or its evaluation, or several runs compared) in the middle, and the
 * runs the engine keeps on the right.
 */
import { useEffect } from 'react';
import './training.css';
import { BackendLine } from './BackendLine';
import { CompareRuns } from './CompareRuns';
import { Evaluation } from './Evaluation';
import { LiveCurves } from './LiveCurves';
import { RunControls } from './RunControls';
import { RunsList } from './RunsList';
import { SettingsForm } from './SettingsForm';
import { initTraining, trainingActions, useTraining, type PanelView } from './training-store';

const VIEWS: Array<[PanelView, string]> = [
  ['curves', 'Curves'],
  ['evaluate', 'Evaluate'],
  ['compare', 'Compare'],
];

export function TrainingPanel() {
  useEffect(initTraining, []);
  const view = useTraining((s) => s.view);
  const runId = useTraining((s) => s.currentRunId);
  const compareCount = useTraining((s) => s.compare.length);
  return (
    <div className="training-panel" data-testid="training-panel">
      <aside className="train-side">
        <BackendLine />
        <SettingsForm />
      </aside>
      <section className="train-main">
        <RunControls />
        <div className="train-views" role="tablist">
          {VIEWS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={view === id}
              className={view === id ? 'view-tab active' : 'view-tab'}
              data-testid={`train-view-${id}`}
              onClick={() => trainingActions.setView(id)}
            >
              {label}
              {id === 'compare' && compareCount > 0 ? ` (${compareCount})` : ''}
            </button>
          ))}
        </div>
        <div className="train-view-body">
          {view === 'compare' ? (
            <CompareRuns />
          ) : !runId ? (
            <p className="muted empty-view">The curves of a run appear here as it trains.</p>
          ) : view === 'curves' ? (
            <LiveCurves runId={runId} />
          ) : (
            <Evaluation runId={runId} />
          )}
        </div>
      </section>
      <RunsList />
    </div>
  );
}
