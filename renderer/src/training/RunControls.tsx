/**
 * Start, pause/resume and stop, the run's status and live numbers (epoch, batch, speed,
 * elapsed, ETA, test accuracy), and what stands in the way: a graph that cannot train
 * (click to select the layer), warnings, the last failure in plain words, and a mark when
 * the graph was edited after the run on show started.
 */
import { useEffect, useMemo, useState } from 'react';
import { formatCount } from '../../../engine/graph/format';
import { editorActions, useEditor } from '../store/editor-store';
import { formatDuration, formatPercent } from './format';
import { graphSignature, trainingReadiness, type Problem } from './readiness';
import {
  getSeries,
  isActive,
  panelStatus,
  runStatus,
  subscribeSeries,
  trainingActions,
  useTraining,
} from './training-store';
import { createFrameThrottle } from './throttle';

/** Re-renders at most ~5 times a second while `runId`'s series changes. */
function useSeriesTick(runId: string | null): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!runId) return;
    const throttle = createFrameThrottle(() => setTick((t) => t + 1), { minIntervalMs: 200 });
    const unsubscribe = subscribeSeries((id) => id === runId && throttle.request());
    return () => {
      unsubscribe();
      throttle.cancel();
    };
  }, [runId]);
  return tick;
}

function ProblemLine({
  problem,
  kind,
  testId,
}: {
  problem: Problem;
  kind: 'error' | 'warning';
  testId: string;
}) {
  return (
    <p className={`train-problem ${kind}`} data-testid={testId}>
      {problem.message}
      {problem.nodeId && (
        <button
          type="button"
          className="link"
          onClick={() => editorActions.select({ nodes: [problem.nodeId!], edges: [] })}
        >
          Select {problem.nodeId}
        </button>
      )}
    </p>
  );
}

export function RunControls() {
  const currentRunId = useTraining((s) => s.currentRunId);
  const status = useTraining((s) => runStatus(s, s.currentRunId));
  const starting = useTraining((s) => s.starting);
  const startError = useTraining((s) => s.startError);
  const failure = useTraining((s) => (s.currentRunId ? s.failures[s.currentRunId] : undefined));
  const record = useTraining((s) => s.runs.find((r) => r.id === s.currentRunId));
  const datasets = useTraining((s) => s.datasets);
  const startedSignature = useTraining((s) =>
    s.currentRunId ? s.startedSignatures[s.currentRunId] : undefined,
  );
  const analysis = useEditor((s) => s.analysis);
  const doc = useEditor((s) => s.doc);
  const dataset = datasets?.find((d) => d.id === doc.training.dataset);
  const readiness = useMemo(() => trainingReadiness(analysis, dataset), [analysis, dataset]);
  const active = isActive(status);

  // The signature of the graph the run on show trained: from this session, or its record.
  const runSignature = useMemo(
    () => startedSignature ?? (record ? graphSignature(record.graph) : null),
    [startedSignature, record],
  );
  const changed = active && runSignature !== null && graphSignature(doc) !== runSignature;

  return (
    <div className="run-controls">
      <div className="run-buttons">
        <button
          type="button"
          className="primary"
          data-testid="train-start"
          disabled={starting || active}
          onClick={() => void trainingActions.start()}
          title={readiness.blocking ? readiness.blocking.message : 'Train this graph with these settings'}
        >
          {starting ? 'Starting…' : '▶ Train'}
        </button>
        <button
          type="button"
          data-testid="train-pause"
          disabled={!active || !currentRunId}
          onClick={() =>
            currentRunId &&
            void trainingActions.control(currentRunId, status === 'paused' ? 'resume' : 'pause')
          }
        >
          {status === 'paused' ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          data-testid="train-stop"
          disabled={!active || !currentRunId}
          onClick={() => currentRunId && void trainingActions.control(currentRunId, 'stop')}
        >
          Stop
        </button>
        <span className={`train-status ${panelStatus(status)}`} data-testid="train-status">
          {panelStatus(status)}
        </span>
        {status === 'stopped' && (
          <span className="muted small" data-testid="train-status-detail">
            stopped early
          </span>
        )}
        {changed && (
          <span
            className="graph-changed"
            data-testid="train-graph-changed"
            title="This run keeps training the graph as it was when it started"
          >
            graph edited since this run started
          </span>
        )}
      </div>
      <Metrics runId={currentRunId} />
      {readiness.blocking && <ProblemLine problem={readiness.blocking} kind="error" testId="train-blocked" />}
      {startError && (
        <p className="train-problem error" data-testid="train-problem">
          {startError}
        </p>
      )}
      {!readiness.blocking &&
        readiness.warnings.map((w, i) => (
          <ProblemLine key={i} problem={w} kind="warning" testId="train-warning" />
        ))}
      {failure && status === 'failed' && (
        <p className="train-failure" data-testid="train-failure" role="alert">
          <strong>Training failed:</strong> {failure}
        </p>
      )}
    </div>
  );
}

function Metrics({ runId }: { runId: string | null }) {
  useSeriesTick(runId);
  const record = useTraining((s) => s.runs.find((r) => r.id === runId));
  const status = useTraining((s) => runStatus(s, runId));
  if (!runId)
    return <div className="run-metrics muted">No run yet — set up the run on the left and press Train.</div>;
  const series = getSeries(runId);
  const p = series.progress;
  const testAccuracy = record?.result?.testAccuracy ?? series.epochs.at(-1)?.testAccuracy ?? null;
  const active = isActive(status);
  return (
    <dl className="run-metrics">
      <dt>Epoch</dt>
      <dd data-testid="metric-epoch">{p ? `${p.epoch} / ${p.epochs}` : '–'}</dd>
      <dt>Batch</dt>
      <dd data-testid="metric-batch">{p && p.batchesPerEpoch ? `${p.batch} / ${p.batchesPerEpoch}` : '–'}</dd>
      <dt>Speed</dt>
      <dd data-testid="metric-speed">
        {p && p.imagesPerSecond ? `${formatCount(p.imagesPerSecond)} ex/s` : '–'}
      </dd>
      <dt>Elapsed</dt>
      <dd data-testid="metric-elapsed">{formatDuration(p?.elapsedSeconds)}</dd>
      <dt>ETA</dt>
      <dd data-testid="metric-eta">{active ? formatDuration(p?.etaSeconds) : '–'}</dd>
      <dt>Test acc.</dt>
      <dd title={formatPercent(testAccuracy)}>
        {testAccuracy === null ? (
          '–'
        ) : (
          <span data-testid="metric-test-accuracy">{testAccuracy.toFixed(4)}</span>
        )}
      </dd>
    </dl>
  );
}
