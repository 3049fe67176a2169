/**
 * A grid of test images the run got wrong, each with its true and predicted class and the
 * model's confidence, and its Grad-CAM map when the overlay is on.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ClassActivations, MisclassifiedExample } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { useClassActivations, type GradCamTarget } from './class-activations';
import { ClassifiedGrid } from './ClassifiedTile';
import { errorText } from './training-store';

export function Misclassified({
  runId,
  classNames,
  count = 24,
  gradCam = false,
  gradCamTarget = 'predicted',
  onActivations,
}: {
  runId: string;
  classNames: readonly string[];
  count?: number;
  /** Draw each image's Grad-CAM map over it. */
  gradCam?: boolean;
  /** The class the maps explain. */
  gradCamTarget?: GradCamTarget;
  /** Told about the maps that arrived (the panel's legend names their layer). */
  onActivations?: (activations: ClassActivations) => void;
}) {
  const engine = useEngine((s) => s.client);
  const [examples, setExamples] = useState<MisclassifiedExample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!engine) return;
    let live = true;
    setExamples(null);
    setError(null);
    engine.misclassified(runId, count).then(
      (found) => live && setExamples(found),
      (e: unknown) => live && setError(`Could not load misclassified images: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [engine, runId, count]);
  const images = useMemo(() => examples?.map((example) => example.image) ?? null, [examples]);
  const { activations, error: heatmapError } = useClassActivations(runId, images, gradCam, gradCamTarget);
  useEffect(() => {
    if (activations) onActivations?.(activations);
  }, [activations, onActivations]);
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <section className="misclassified" aria-labelledby="misclassified-heading">
      <h3 id="misclassified-heading">Misclassified test images</h3>
      {error && <p className="error-text small">{error}</p>}
      {gradCam && heatmapError && (
        <p className="error-text small" data-testid="gradcam-error">
          {heatmapError}
        </p>
      )}
      {!examples && !error && <p className="muted small">Loading…</p>}
      {examples && examples.length === 0 && (
        <p className="muted small">None — every test image was classified right.</p>
      )}
      {examples && examples.length > 0 && (
        <ClassifiedGrid
          examples={examples}
          activations={gradCam ? activations : null}
          className={name}
          testId="misclassified-grid"
          itemTestId="misclassified-item"
        />
      )}
    </section>
  );
}
