/**
 * The test images of one confusion-matrix cell ("true Shirt, predicted T-shirt"), a page at
 * a time from the engine, which classifies the run's test images once and slices them by
 * cell — fast for 10,000 test images. Each image shows its confidence and, when the overlay
 * is on, its Grad-CAM map.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ClassActivations, ClassifiedImage } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { useClassActivations, type GradCamTarget } from './class-activations';
import { ClassifiedGrid } from './ClassifiedTile';
import { errorText } from './training-store';

/** Images per page: a few rows of the grid. */
export const CELL_PAGE_SIZE = 48;

export interface CellChoice {
  trueClass: number;
  predictedClass: number;
}

interface Loaded {
  images: ClassifiedImage[];
  total: number;
}

export function CellImages({
  runId,
  cell,
  matrixCount,
  classNames,
  gradCam,
  gradCamTarget = 'predicted',
  onActivations,
  onClose,
}: {
  runId: string;
  cell: CellChoice;
  /** The count the matrix shows for this cell (from the run's last evaluation). */
  matrixCount: number;
  classNames: readonly string[];
  gradCam: boolean;
  /** The class the maps explain. */
  gradCamTarget?: GradCamTarget;
  onActivations?: (activations: ClassActivations) => void;
  onClose(): void;
}) {
  const engine = useEngine((s) => s.client);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const { trueClass, predictedClass } = cell;

  useEffect(() => {
    if (!engine) return;
    let live = true;
    setLoaded(null);
    setError(null);
    engine.confusionCell(runId, trueClass, predictedClass, 0, CELL_PAGE_SIZE).then(
      (page) => live && setLoaded({ images: page.images, total: page.total }),
      (e: unknown) => live && setError(`Could not load the images of this cell: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [engine, runId, trueClass, predictedClass]);

  const more = async () => {
    if (!engine || !loaded) return;
    setLoadingMore(true);
    try {
      const page = await engine.confusionCell(
        runId,
        trueClass,
        predictedClass,
        loaded.images.length,
        CELL_PAGE_SIZE,
      );
      setLoaded({ images: [...loaded.images, ...page.images], total: page.total });
    } catch (e) {
      setError(`Could not load more images: ${errorText(e)}`);
    } finally {
      setLoadingMore(false);
    }
  };

  const images = useMemo(() => loaded?.images.map((example) => example.image) ?? null, [loaded]);
  const { activations, error: heatmapError } = useClassActivations(runId, images, gradCam, gradCamTarget);
  useEffect(() => {
    if (activations) onActivations?.(activations);
  }, [activations, onActivations]);

  const name = (i: number) => classNames[i] ?? String(i);
  const headingId = `cell-images-heading-${trueClass}-${predictedClass}`;
  return (
    <section className="cell-images" data-testid="cell-images" aria-labelledby={headingId}>
      <div className="cell-images-head">
        <h3 id={headingId}>
          True <strong>{name(trueClass)}</strong>, predicted <strong>{name(predictedClass)}</strong>
          {loaded && (
            <span className="muted" data-testid="cell-images-count">
              {' '}
              — {loaded.total} {loaded.total === 1 ? 'image' : 'images'}
            </span>
          )}
        </h3>
        <button type="button" data-testid="cell-images-close" onClick={onClose}>
          Close
        </button>
      </div>
      {loaded && loaded.total !== matrixCount && (
        <p className="muted small" data-testid="cell-images-note">
          The matrix counted {matrixCount} at the run's last evaluation; its saved model puts {loaded.total}{' '}
          test images here now (the weights changed after that evaluation).
        </p>
      )}
      {error && <p className="error-text small">{error}</p>}
      {gradCam && heatmapError && (
        <p className="error-text small" data-testid="gradcam-error">
          {heatmapError}
        </p>
      )}
      {!loaded && !error && <p className="muted small">Classifying the test images…</p>}
      {loaded && loaded.total === 0 && <p className="muted small">No test image is in this cell.</p>}
      {loaded && loaded.images.length > 0 && (
        <ClassifiedGrid
          examples={loaded.images}
          activations={gradCam ? activations : null}
          className={name}
          testId="cell-images-grid"
          itemTestId="cell-image"
        />
      )}
      {loaded && loaded.images.length < loaded.total && (
        <button
          type="button"
          className="cell-images-more"
          data-testid="cell-images-more"
          disabled={loadingMore}
          onClick={() => void more()}
        >
          {loadingMore ? 'Loading…' : `Show more (${loaded.total - loaded.images.length} left)`}
        </button>
      )}
    </section>
  );
}
