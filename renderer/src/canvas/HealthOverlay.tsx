/**
 * The training-health overlay's control on the canvas: which metric paints the layers
 * (`overlay-metric`) and the legend of its heat colours, for the run the training panel
 * shows. Shown once that run has health samples. It also keeps the health store on that run.
 */
import { useEffect } from 'react';
import { HEALTH_METRICS } from '../../../engine/protocol/layer-health';
import { useTraining } from '../training/training-store';
import { setOverlayMetric, showHealthOf, useHealth, type OverlayMetric } from './health-store';
import { HEAT_RAMP, METRIC_HINTS, METRIC_LABELS } from './health-scale';
import './health.css';

/** Keeps the painted run the one the training panel shows (and its record's samples at hand). */
function useFollowShownRun(): void {
  const runId = useTraining((s) => s.currentRunId);
  const recorded = useTraining((s) => s.runs.find((run) => run.id === s.currentRunId)?.health);
  useEffect(() => showHealthOf(runId, recorded), [runId, recorded]);
}

/** `right`: in the top right corner (the opened block's view, whose input sits top left). */
export function HealthOverlay({ corner = 'left' }: { corner?: 'left' | 'right' }) {
  useFollowShownRun();
  const metric = useHealth((s) => s.metric);
  const scale = useHealth((s) => s.scale);
  const step = useHealth((s) => s.step);
  if (step === 0) return null;
  return (
    <aside
      className={`health-overlay ${corner}`}
      data-testid="health-overlay"
      aria-label="Training health overlay"
    >
      <label className="health-overlay-pick">
        <span>Paint layers by</span>
        <select
          data-testid="overlay-metric"
          value={metric}
          onChange={(e) => setOverlayMetric(e.target.value as OverlayMetric)}
        >
          <option value="none">nothing</option>
          {HEALTH_METRICS.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      {metric !== 'none' && (
        <div className="health-legend" data-testid="health-legend" title={METRIC_HINTS[metric]}>
          {scale ? (
            <>
              <span data-testid="health-legend-min">{scale.format(scale.min)}</span>
              <span
                className="health-ramp"
                aria-hidden="true"
                style={{ background: `linear-gradient(to right, ${HEAT_RAMP.join(', ')})` }}
              />
              <span data-testid="health-legend-max">{scale.format(scale.max)}</span>
              {scale.log && <span className="health-legend-note">log scale</span>}
            </>
          ) : (
            <span className="health-legend-note">no layer has this figure</span>
          )}
          <span className="health-legend-note">batch {step}</span>
        </div>
      )}
    </aside>
  );
}
