/**
 * A uPlot chart that is created once and then only fed new data: `getData` is read on
 * mount, whenever it changes, and — throttled to ≤ 10 redraws a second by animation frames —
 * whenever `subscribe` reports new points. The chart is rebuilt only when its series change
 * (names, colours), never per event. The container carries `data-points` (rows drawn) so
 * tests and people can see it grow.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { createFrameThrottle } from './throttle';

export interface SeriesSpec {
  label: string;
  stroke: string;
  width?: number;
  dash?: number[];
  /** Draw point markers (sparse per-epoch series). */
  points?: boolean;
}

export interface UPlotChartProps {
  testId: string;
  title: string;
  series: readonly SeriesSpec[];
  getData: () => uPlot.AlignedData;
  /** Registers a "new data" callback; returns its unsubscribe. */
  subscribe?: (onData: () => void) => () => void;
  /** Fixed y range (accuracy: [0, 1]); otherwise automatic. */
  yRange?: [number, number];
  /** The x axis runs at least from 0 (or 1) to this, so a run's curve fills in from the left. */
  xMax?: () => number;
  xMin?: number;
  height?: number;
  xLabel?: string;
  /** A logarithmic y axis (loss spanning decades); the chart is rebuilt when it changes. */
  logScale?: boolean;
  /** Told the uPlot instance once it exists (and null when it goes), e.g. to save its canvas. */
  onChart?: (chart: uPlot | null) => void;
}

function rows(data: uPlot.AlignedData): number {
  return data[0].length;
}

export function UPlotChart({
  testId,
  title,
  series,
  getData,
  subscribe,
  yRange,
  xMax,
  xMin = 0,
  height = 190,
  xLabel = 'epoch',
  logScale = false,
  onChart,
}: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const getDataRef = useRef(getData);
  getDataRef.current = getData;
  const xMaxRef = useRef(xMax);
  xMaxRef.current = xMax;
  const onChartRef = useRef(onChart);
  onChartRef.current = onChart;
  const seriesKey = JSON.stringify(series);

  const draw = () => {
    const u = chart.current;
    if (!u) return;
    const data = getDataRef.current();
    u.setData(data);
    box.current?.setAttribute('data-points', String(rows(data)));
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: {
          time: false,
          range: (_u, min, max) => {
            const hi = Math.max(max ?? 1, xMaxRef.current?.() ?? 1, xMin + 1);
            return [Math.min(xMin, min ?? xMin), hi];
          },
        },
        y: logScale
          ? // Whole decades around the data; uPlot leaves out values ≤ 0 on a log axis.
            {
              distr: 3,
              log: 10,
              range: (_u, min, max) =>
                uPlot.rangeLog(
                  min !== null && min > 0 ? min : 1e-3,
                  max !== null && max > 0 ? max : 1,
                  10,
                  true,
                ),
            }
          : yRange
            ? { range: () => yRange }
            : { range: (_u, min, max) => [Math.min(0, min ?? 0), (max ?? 1) > 0 ? (max ?? 1) * 1.05 : 1] },
      },
      axes: [
        { label: xLabel, size: 34, labelSize: 14, font: '11px system-ui', labelFont: '11px system-ui' },
        { size: 42, font: '11px system-ui' },
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '–' : v.toFixed(2)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: s.width ?? 1.5,
          spanGaps: true,
          ...(s.dash ? { dash: s.dash } : {}),
          // Epoch series always show their points; others let uPlot show them while they are sparse.
          points: s.points ? { show: true, size: 6, fill: s.stroke } : { size: 4 },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : v.toFixed(3)),
        })),
      ],
    };
    const u = new uPlot(opts, getDataRef.current(), el);
    chart.current = u;
    onChartRef.current?.(u);
    el.setAttribute('data-points', String(rows(getDataRef.current())));
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
      onChartRef.current?.(null);
    };
    // The chart is rebuilt only when its series definition or its y scale changes.
  }, [seriesKey, height, logScale]);

  // New data source (another run shown): draw it now.
  useEffect(draw, [getData]);

  useEffect(() => {
    if (!subscribe) return;
    const throttle = createFrameThrottle(draw, { minIntervalMs: 100 });
    const unsubscribe = subscribe(() => throttle.request());
    return () => {
      unsubscribe();
      throttle.cancel();
    };
  }, [subscribe]);

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box" ref={box} data-testid={testId} data-y-scale={logScale ? 'log' : 'linear'} />
    </figure>
  );
}
