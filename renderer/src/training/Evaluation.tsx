/**
 * After a run: its confusion matrix with per-class accuracy, the test images it got wrong,
 * and "try an image". Prediction already works once an epoch has finished (checkpoint).
 */
import { ConfusionMatrix } from './ConfusionMatrix';
import { Misclassified } from './Misclassified';
import { TryImage } from './TryImage';
import { isActive, runStatus, useTraining } from './training-store';

export function Evaluation({ runId }: { runId: string }) {
  const record = useTraining((s) => s.runs.find((r) => r.id === runId));
  const status = useTraining((s) => runStatus(s, runId));
  const dataset = useTraining((s) => s.datasets?.find((d) => d.id === record?.datasetId));
  if (!record) return <p className="muted empty-view">Loading the run…</p>;
  const classNames = dataset?.classNames ?? [];
  const imageShape = dataset?.imageShape ?? [28, 28, 1];
  const hasWeights = record.epochs.length > 0;
  return (
    <div className="evaluation" data-testid="evaluation">
      {record.result ? (
        <ConfusionMatrix result={record.result} classNames={classNames} />
      ) : (
        <p className="muted empty-view">
          {isActive(status)
            ? 'The confusion matrix appears when this run has finished.'
            : 'This run has no result (it ended before its first evaluation).'}
        </p>
      )}
      {hasWeights ? (
        <TryImage runId={runId} imageShape={imageShape} />
      ) : (
        <p className="muted small try-none">Trying images needs at least one finished epoch.</p>
      )}
      {record.result && !isActive(status) && <Misclassified runId={runId} classNames={classNames} />}
    </div>
  );
}
