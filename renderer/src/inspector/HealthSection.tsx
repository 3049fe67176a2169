/**
 * The inspector's training-health section for one layer: its figures from the shown run's
 * latest sample (the painted metric in bold) and a small chart of one figure's history over
 * the run's sampled batches. Nothing when the run has no figures for the layer.
 */
import { useCallback, useState } from 'react';
import type uPlot from 'uplot';
import { HEALTH_METRICS, type HealthMetric } from '../../../engine/protocol/layer-health';
import { formatMetric, METRIC_HINTS, METRIC_LABELS, METRIC_SHORT_LABELS } from '../canvas/health-scale';
import { healthSamples, subscribeHealthSamples, useHealth } from '../canvas/health-store';
import { UPlotChart } from '../training/UPlotChart';
import '../canvas/health.css';

export function HealthSection({ nodeId }: { nodeId: string }) {
  const figures = useHealth((s) => s.latest[nodeId]);
  const painted = useHealth((s) => s.metric);
  const runId = useHealth((s) => s.runId);
  const [chosen, setChosen] = useState<HealthMetric | null>(null);
  const charted: HealthMetric = chosen ?? (painted === 'none' ? 'timeMs' : painted);

  const getData = useCallback((): uPlot.AlignedData => {
    const xs: number[] = [];
    const ys: Array<number | null> = [];
    for (const sample of healthSamples(runId)) {
      const layer = sample.layers.find((l) => l.nodeId === nodeId && l.innerId === undefined);
      if (!layer) continue;
      xs.push(sample.step);
      ys.push(layer[charted]);
    }
    return [xs, ys];
  }, [runId, nodeId, charted]);
  const subscribe = useCallback(
    (onData: () => void) => subscribeHealthSamples((id) => id === runId && onData()),
    [runId],
  );

  if (!figures) return null;
  return (
    <section className="health-section" data-testid="inspector-health" aria-label="Training health">
      <div className="panel-subtitle">Training health</div>
      <dl className="facts health-facts">
        {HEALTH_METRICS.map((metric) => (
          <HealthFact key={metric} metric={metric} value={figures[metric]} painted={metric === painted} />
        ))}
      </dl>
      <div className="field health-history">
        <label htmlFor="health-history-metric">History of</label>
        <select
          id="health-history-metric"
          data-testid="health-history-metric"
          value={charted}
          onChange={(e) => setChosen(e.target.value as HealthMetric)}
        >
          {HEALTH_METRICS.map((metric) => (
            <option key={metric} value={metric}>
              {METRIC_LABELS[metric]}
            </option>
          ))}
        </select>
        <UPlotChart
          testId="health-history"
          title={`${METRIC_LABELS[charted]} of this layer by batch`}
          series={[{ label: METRIC_LABELS[charted], stroke: '#bd0026', points: true }]}
          getData={getData}
          subscribe={subscribe}
          height={120}
          xLabel="batch"
          xMin={1}
          logScale={charted === 'gradNorm' || charted === 'updateRatio'}
        />
      </div>
    </section>
  );
}

function HealthFact({
  metric,
  value,
  painted,
}: {
  metric: HealthMetric;
  value: number | null;
  painted: boolean;
}) {
  return (
    <>
      <dt
        className={painted ? 'painted' : undefined}
        title={`${METRIC_LABELS[metric]}: ${METRIC_HINTS[metric]}`}
      >
        {METRIC_SHORT_LABELS[metric]}
      </dt>
      <dd className={painted ? 'painted' : undefined} data-testid={`health-${metric}`}>
        {formatMetric(metric, value)}
      </dd>
    </>
  );
}
