/**
 * Loss and accuracy of the run on show: per batch (faint raw, bold EMA-smoothed) and per
 * epoch for train and test, x in epochs. Fed live by run events; a finished run loaded
 * from the engine's records shows its epoch points. A toolbar puts the loss on a log scale
 * and saves the curves as CSV (every series) or PNG (both charts as drawn).
 */
import { useCallback, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { chartsToPng } from './chart-image';
import { curvesCsv, curvesFileName } from './curves-export';
import { offerDownload } from './download';
import { accuracyData, lossData } from './series';
import { errorText, getSeries, subscribeSeries, useTraining } from './training-store';
import { UPlotChart, type SeriesSpec } from './UPlotChart';

const SERIES: readonly SeriesSpec[] = [
  { label: 'batch', stroke: 'rgba(47, 107, 255, 0.25)', width: 1 },
  { label: 'batch (smoothed)', stroke: '#2f6bff', width: 2 },
  { label: 'train (epoch)', stroke: '#12805c', width: 1.5, points: true },
  { label: 'test (epoch)', stroke: '#dc6803', width: 2, points: true, dash: [5, 3] },
];

const LOG_SCALE_KEY = 'cnn-studio.curves-log-scale';

function readLogScale(): boolean {
  try {
    return globalThis.localStorage?.getItem(LOG_SCALE_KEY) === '1';
  } catch {
    return false;
  }
}

export function LiveCurves({ runId }: { runId: string }) {
  const epochsKnown = useTraining((s) => s.runs.find((r) => r.id === runId)?.epochs.length ?? 0);
  const runName = useTraining((s) => s.runs.find((r) => r.id === runId)?.name ?? runId);
  const [logScale, setLogScale] = useState(readLogScale);
  const [exportError, setExportError] = useState<string | null>(null);
  const charts = useRef<{ loss: uPlot | null; accuracy: uPlot | null }>({ loss: null, accuracy: null });
  // A new function (so the chart redraws) when the run or its stored history changes.
  const getLoss = useCallback(() => lossData(getSeries(runId)), [runId, epochsKnown]);
  const getAccuracy = useCallback(() => accuracyData(getSeries(runId)), [runId, epochsKnown]);
  const xMax = useCallback(() => getSeries(runId).progress?.epochs ?? 1, [runId]);
  const subscribe = useCallback(
    (onData: () => void) => subscribeSeries((id) => id === runId && onData()),
    [runId],
  );

  const toggleLogScale = (on: boolean) => {
    setLogScale(on);
    try {
      localStorage.setItem(LOG_SCALE_KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice is not remembered
    }
  };
  const exportCsv = () => {
    setExportError(null);
    offerDownload(
      curvesFileName(runName, 'csv'),
      new Blob([curvesCsv(getSeries(runId))], { type: 'text/csv;charset=utf-8' }),
    );
  };
  const exportPng = async () => {
    setExportError(null);
    const { loss, accuracy } = charts.current;
    try {
      if (!loss || !accuracy) throw new Error('the charts are not drawn yet');
      const png = await chartsToPng([
        { title: logScale ? 'Loss (log scale)' : 'Loss', canvas: loss.ctx.canvas, legend: SERIES },
        { title: 'Accuracy', canvas: accuracy.ctx.canvas, legend: SERIES },
      ]);
      offerDownload(curvesFileName(runName, 'png'), png);
    } catch (error) {
      setExportError(`Could not save the chart image: ${errorText(error)}`);
    }
  };

  return (
    <div className="curves">
      <div className="curves-toolbar" role="toolbar" aria-label="Learning curves">
        <label className="check" title="Show the loss on a logarithmic axis (small losses stay readable)">
          <input
            type="checkbox"
            data-testid="curves-log-scale"
            checked={logScale}
            onChange={(e) => toggleLogScale(e.target.checked)}
          />
          Log-scale loss
        </label>
        <button
          type="button"
          data-testid="curves-export-csv"
          title="Save every curve as a CSV table (x in epochs, one column per series)"
          onClick={exportCsv}
        >
          Export CSV
        </button>
        <button
          type="button"
          data-testid="curves-export-png"
          title="Save both charts as a PNG image"
          onClick={() => void exportPng()}
        >
          Export PNG
        </button>
        {exportError && (
          <span className="error-text small" role="alert">
            {exportError}
          </span>
        )}
      </div>
      <div className="chart-row">
        <UPlotChart
          testId="chart-loss"
          title={logScale ? 'Loss (log scale)' : 'Loss'}
          series={SERIES}
          getData={getLoss}
          subscribe={subscribe}
          xMax={xMax}
          logScale={logScale}
          onChart={(u) => (charts.current.loss = u)}
        />
        <UPlotChart
          testId="chart-accuracy"
          title="Accuracy"
          series={SERIES}
          getData={getAccuracy}
          subscribe={subscribe}
          xMax={xMax}
          yRange={[0, 1]}
          onChart={(u) => (charts.current.accuracy = u)}
        />
      </div>
    </div>
  );
}
