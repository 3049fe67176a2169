/** A grid of test images the run got wrong, each with its true and predicted class. */
import { useEffect, useState } from 'react';
import type { MisclassifiedExample } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { SampleCanvas } from './SampleCanvas';
import { errorText } from './training-store';

export function Misclassified({
  runId,
  classNames,
  count = 24,
}: {
  runId: string;
  classNames: readonly string[];
  count?: number;
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
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <section className="misclassified">
      <h3>Misclassified test images</h3>
      {error && <p className="error-text small">{error}</p>}
      {!examples && !error && <p className="muted small">Loading…</p>}
      {examples && examples.length === 0 && (
        <p className="muted small">None — every test image was classified right.</p>
      )}
      {examples && examples.length > 0 && (
        <div className="misclassified-grid" data-testid="misclassified-grid">
          {examples.map((ex, i) => (
            <figure key={i} className="mis-tile" data-testid="misclassified-item">
              <SampleCanvas image={ex.image} size={48} />
              <figcaption>
                <span className="truth" title="true class">
                  {name(ex.image.label)}
                </span>
                <span className="predicted" title="predicted">
                  → {name(ex.predictedClass)}
                </span>
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}
