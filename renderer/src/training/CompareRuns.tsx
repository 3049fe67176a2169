/**
 * Several runs' epoch curves overlaid (test accuracy and train loss), one colour per run,
 * for the runs ticked in the list, beside what differs between their architectures.
 */
import { useCallback, useMemo } from 'react';
import { compareData } from './series';
import { getSeries, useTraining } from './training-store';
import { UPlotChart, type SeriesSpec } from './UPlotChart';
import { ArchitectureDiff, runLabel } from '../ui/ArchitectureDiff';

const PALETTE = ['#2f6bff', '#dc6803', '#12805c', '#c11574', '#7a5af8', '#0e9384', '#d92d20', '#475467'];

export function CompareRuns() {
  const compare = useTraining((s) => s.compare);
  const runs = useTraining((s) => s.runs);
  const chosen = useMemo(
    () => compare.map((id) => runs.find((r) => r.id === id)).filter((r) => r !== undefined),
    [compare, runs],
  );
  const series: SeriesSpec[] = useMemo(
    () =>
      chosen.map((r, i) => ({
        label: runLabel(r),
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        points: true,
      })),
    [chosen],
  );
  // Live runs' epochs come from their series (records lag behind by a refresh).
  const epochsOf = useCallback(
    () =>
      chosen.map((r) => ({
        epochs: getSeries(r.id).epochs.length >= r.epochs.length ? getSeries(r.id).epochs : r.epochs,
      })),
    [chosen],
  );
  const getAccuracy = useCallback(() => compareData(epochsOf(), 'testAccuracy'), [epochsOf]);
  const getLoss = useCallback(() => compareData(epochsOf(), 'trainLoss'), [epochsOf]);
  if (chosen.length === 0) {
    return (
      <p className="muted empty-view">Tick runs in the list on the right to overlay their curves here.</p>
    );
  }
  return (
    <div className="compare-with-diff">
      <div className="chart-row" data-testid="compare-view">
        <UPlotChart
          testId="chart-compare-accuracy"
          title="Test accuracy per epoch"
          series={series}
          getData={getAccuracy}
          yRange={[0, 1]}
          xMin={1}
        />
        <UPlotChart
          testId="chart-compare-loss"
          title="Train loss per epoch"
          series={series}
          getData={getLoss}
          xMin={1}
        />
      </div>
      <ArchitectureDiff runs={chosen} />
    </div>
  );
}
