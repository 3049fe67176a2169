/**
 * After a run: its confusion matrix with per-class accuracy (click a count for that cell's
 * images), the test images it got wrong, and "try an image" — each image optionally under
 * its Grad-CAM heatmap. Prediction already works once an epoch has finished (checkpoint).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ClassActivations } from '../../../engine/protocol/api';
import { IMPORTED_WEIGHTS_META_KEY, type ImportedWeightsRef } from '../../../engine/export/imported-weights';
import { useEngine } from '../engine/connection';
import { CellImages, type CellChoice } from './CellImages';
import type { GradCamTarget } from './class-activations';
import { ConfusionMatrix } from './ConfusionMatrix';
import { HeatmapLegend } from './HeatmapOverlay';
import { Misclassified } from './Misclassified';
import { TryImage } from './TryImage';
import { errorText, isActive, refreshRuns, runStatus, useTraining } from './training-store';

const GRAD_CAM_KEY = 'cnn-studio.grad-cam';

function readGradCam(): boolean {
  try {
    return globalThis.localStorage?.getItem(GRAD_CAM_KEY) === '1';
  } catch {
    return false;
  }
}

export function Evaluation({ runId }: { runId: string }) {
  const record = useTraining((s) => s.runs.find((r) => r.id === runId));
  const status = useTraining((s) => runStatus(s, runId));
  const dataset = useTraining((s) => s.datasets?.find((d) => d.id === record?.datasetId));
  const [cell, setCell] = useState<CellChoice | null>(null);
  const [gradCam, setGradCam] = useState(readGradCam);
  const [gradCamTarget, setGradCamTarget] = useState<GradCamTarget>('predicted');
  const [layer, setLayer] = useState<{ name: string; size: string } | null>(null);
  const [evaluating, setEvaluating] = useState(false);
  const [evaluateError, setEvaluateError] = useState<string | null>(null);
  useEffect(() => {
    setCell(null);
    setLayer(null);
    setEvaluateError(null);
  }, [runId]);
  const onActivations = useCallback(
    (activations: ClassActivations) =>
      setLayer({
        name: activations.nodeId ?? activations.layerName,
        size: `${activations.width}×${activations.height}`,
      }),
    [],
  );
  const engine = useEngine((s) => s.client);
  const finished = record?.result != null && !isActive(status);
  // The engine classifies the test images once per model for the cells (seconds for 10,000
  // images on a CPU): start it when the matrix appears, so a click finds it done.
  useEffect(() => {
    if (engine && finished) engine.confusionCell(runId, 0, 0, 0, 1).catch(() => {});
  }, [engine, runId, finished]);
  if (!record) return <p className="muted empty-view">Loading the run…</p>;
  const classNames = dataset?.classNames ?? [];
  const imageShape = dataset?.imageShape ?? [28, 28, 1];
  // Weights come from a finished epoch, or with the model (a run holding imported weights).
  const imported = (record.graph.meta?.[IMPORTED_WEIGHTS_META_KEY] as ImportedWeightsRef | undefined)?.runId;
  const hasWeights = record.epochs.length > 0 || imported === record.id;
  const evaluate = () => {
    if (!engine || evaluating) return;
    setEvaluating(true);
    setEvaluateError(null);
    engine
      .evaluateRun(runId)
      .then(() => refreshRuns())
      .catch((error: unknown) => setEvaluateError(`Could not evaluate this run: ${errorText(error)}`))
      .finally(() => setEvaluating(false));
  };
  const toggleGradCam = (on: boolean) => {
    setGradCam(on);
    try {
      localStorage.setItem(GRAD_CAM_KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice is not remembered
    }
  };
  return (
    <div className="evaluation" data-testid="evaluation">
      {hasWeights && (
        <div className="evaluation-bar">
          {finished && <span className="muted small">Click a count in the matrix to see its images.</span>}
          <label
            className="check"
            title="Colour each image by where the model found the evidence for its guess (Grad-CAM on the last convolution)"
          >
            <input
              type="checkbox"
              data-testid="gradcam-toggle"
              checked={gradCam}
              onChange={(e) => toggleGradCam(e.target.checked)}
            />
            Grad-CAM heatmaps
          </label>
          {gradCam && finished && (
            <label className="gradcam-class small">
              explain
              <select
                data-testid="gradcam-class"
                value={gradCamTarget}
                onChange={(e) => setGradCamTarget(e.target.value as GradCamTarget)}
                title="Which class the heatmaps of test images explain (a drawn image's: always the guess)"
              >
                <option value="predicted">the predicted class</option>
                <option value="true">the true class</option>
              </select>
            </label>
          )}
          {gradCam && (
            <HeatmapLegend
              layer={layer?.name ?? null}
              size={layer?.size ?? null}
              explains={
                gradCamTarget === 'true' ? 'the true class (a drawn image: the guess)' : 'the predicted class'
              }
            />
          )}
        </div>
      )}
      {record.result ? (
        <ConfusionMatrix
          result={record.result}
          classNames={classNames}
          selected={finished ? cell : null}
          onSelect={finished ? setCell : undefined}
        />
      ) : hasWeights && !isActive(status) ? (
        <div className="empty-view evaluate-run">
          <p className="muted">
            This run has weights but no result yet (imported weights are not trained here). Measure them on{' '}
            {dataset?.name ?? record.datasetId}: the test set, and 10,000 training images.
          </p>
          <button
            type="button"
            className="primary"
            data-testid="evaluate-run"
            disabled={!engine || evaluating}
            onClick={evaluate}
          >
            {evaluating ? 'Evaluating…' : 'Evaluate'}
          </button>
          {evaluateError && (
            <p className="error small" role="alert">
              {evaluateError}
            </p>
          )}
        </div>
      ) : (
        <p className="muted empty-view">
          {isActive(status)
            ? 'The confusion matrix appears when this run has finished.'
            : 'This run has no result (it ended before its first evaluation).'}
        </p>
      )}
      {hasWeights ? (
        <TryImage runId={runId} imageShape={imageShape} gradCam={gradCam} onActivations={onActivations} />
      ) : (
        <p className="muted small try-none">Trying images needs at least one finished epoch.</p>
      )}
      {finished && cell && record.result && (
        <CellImages
          runId={runId}
          cell={cell}
          matrixCount={record.result.confusion[cell.trueClass]?.[cell.predictedClass] ?? 0}
          classNames={classNames}
          gradCam={gradCam}
          gradCamTarget={gradCamTarget}
          onActivations={onActivations}
          onClose={() => {
            setCell(null);
            // Back to the cell it was opened from, so the keyboard carries on in the matrix.
            document
              .querySelector<HTMLButtonElement>(
                `[data-testid="confusion-cell-${cell.trueClass}-${cell.predictedClass}"]`,
              )
              ?.focus();
          }}
        />
      )}
      {finished && (
        <Misclassified
          runId={runId}
          classNames={classNames}
          gradCam={gradCam}
          gradCamTarget={gradCamTarget}
          onActivations={onActivations}
        />
      )}
    </div>
  );
}
