/**
 * Loss and accuracy of the run on show: per batch (faint raw, bold EMA-smoothed) and per
 * epoch for train and test, x in epochs. Fed live by run events; a finished run loaded
 * from the engine's records shows its epoch points.
 */
import { useCallback } from 'react';
import { accuracyData, lossData } from './series';
import { getSeries, subscribeSeries, useTraining } from './training-store';
import { UPlotChart, type SeriesSpec } from './UPlotChart';

const SERIES: readonly SeriesSpec[] = [
  { label: 'batch', stroke: 'rgba(47, 107, 255, 0.25)', width: 1 },
  { label: 'batch (smoothed)', stroke: '#2f6bff', width: 2 },
  { label: 'train (epoch)', stroke: '#12805c', width: 1.5, points: true },
  { label: 'test (epoch)', stroke: '#dc6803', width: 2, points: true, dash: [5, 3] },
];

export function LiveCurves({ runId }: { runId: string }) {
  const epochsKnown = useTraining((s) => s.runs.find((r) => r.id === runId)?.epochs.length ?? 0);
  // A new function (so the chart redraws) when the run or its stored history changes.
  const getLoss = useCallback(() => lossData(getSeries(runId)), [runId, epochsKnown]);
  const getAccuracy = useCallback(() => accuracyData(getSeries(runId)), [runId, epochsKnown]);
  const xMax = useCallback(() => getSeries(runId).progress?.epochs ?? 1, [runId]);
  const subscribe = useCallback(
    (onData: () => void) => subscribeSeries((id) => id === runId && onData()),
    [runId],
  );
  return (
    <div className="chart-row">
      <UPlotChart
        testId="chart-loss"
        title="Loss"
        series={SERIES}
        getData={getLoss}
        subscribe={subscribe}
        xMax={xMax}
      />
      <UPlotChart
        testId="chart-accuracy"
        title="Accuracy"
        series={SERIES}
        getData={getAccuracy}
        subscribe={subscribe}
        xMax={xMax}
        yRange={[0, 1]}
      />
    </div>
  );
}
