/**
 * Live chart series of one run, built from its events: per-batch loss and accuracy (raw and
 * EMA-smoothed) and per-epoch train/test metrics, all on one x axis measured in epochs
 * (fractional for batches: batch 30 of 60 in epoch 2 is x = 1.5).
 *
 * The arrays are appended to in place — a run sends thousands of batch events and copying
 * them each time would make the editor stutter; `version` changes on every update so a
 * chart knows when to redraw. Columns line up row by row, as uPlot's aligned data wants.
 */
import type { EpochMetrics, RunEvent, RunRecord } from '../../../engine/protocol/api';
import { EMPTY_EMA, emaStep, type EmaState } from './ema';

/** How strongly per-batch curves are smoothed (TensorBoard's default is 0.6; batches here are noisier). */
export const BATCH_SMOOTHING = 0.8;

type Column = Array<number | null>;

/** Where a run is: what the metrics strip shows. */
export interface RunProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  imagesPerSecond: number;
  /** Seconds of training so far: finished epochs plus the current one. */
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface RunSeries {
  runId: string;
  /** x in epochs. */
  x: number[];
  batchLoss: Column;
  batchLossSmooth: Column;
  batchAccuracy: Column;
  batchAccuracySmooth: Column;
  trainLoss: Column;
  testLoss: Column;
  trainAccuracy: Column;
  testAccuracy: Column;
  epochs: EpochMetrics[];
  progress: RunProgress | null;
  /** Bumped on every change. */
  version: number;
  lossEma: EmaState;
  accuracyEma: EmaState;
}

const COLUMNS = [
  'batchLoss',
  'batchLossSmooth',
  'batchAccuracy',
  'batchAccuracySmooth',
  'trainLoss',
  'testLoss',
  'trainAccuracy',
  'testAccuracy',
] as const;
type ColumnName = (typeof COLUMNS)[number];

export function emptySeries(runId: string): RunSeries {
  return {
    runId,
    x: [],
    batchLoss: [],
    batchLossSmooth: [],
    batchAccuracy: [],
    batchAccuracySmooth: [],
    trainLoss: [],
    testLoss: [],
    trainAccuracy: [],
    testAccuracy: [],
    epochs: [],
    progress: null,
    version: 0,
    lossEma: EMPTY_EMA,
    accuracyEma: EMPTY_EMA,
  };
}

/** Sets values at x: in the last row when it has the same x, else in a new row (others null). */
function putRow(series: RunSeries, x: number, values: Partial<Record<ColumnName, number>>): void {
  const last = series.x.length - 1;
  let row = last;
  if (last < 0 || series.x[last] !== x) {
    series.x.push(x);
    for (const name of COLUMNS) series[name].push(null);
    row = last + 1;
  }
  for (const [name, value] of Object.entries(values) as Array<[ColumnName, number]>)
    series[name][row] = value;
}

/** Drops rows after x (a run resumed from its last checkpoint replays the epochs after it). */
function truncateAfter(series: RunSeries, x: number): void {
  let keep = series.x.length;
  while (keep > 0 && series.x[keep - 1] > x) keep--;
  if (keep === series.x.length) return;
  series.x.length = keep;
  for (const name of COLUMNS) series[name].length = keep;
  series.epochs = series.epochs.filter((e) => e.epoch <= x);
  // Restart smoothing from the kept tail so the curve continues from where it stands.
  series.lossEma = EMPTY_EMA;
  series.accuracyEma = EMPTY_EMA;
}

function finishedSeconds(series: RunSeries): number {
  return series.epochs.reduce((sum, e) => sum + e.seconds, 0);
}

function putEpoch(series: RunSeries, metrics: EpochMetrics): void {
  series.epochs = [...series.epochs.filter((e) => e.epoch !== metrics.epoch), metrics].sort(
    (a, b) => a.epoch - b.epoch,
  );
  putRow(series, metrics.epoch, {
    trainLoss: metrics.trainLoss,
    testLoss: metrics.testLoss,
    trainAccuracy: metrics.trainAccuracy,
    testAccuracy: metrics.testAccuracy,
  });
}

/**
 * Applies one run event to the run's series (in place) and returns it. Events of other
 * runs are ignored. Status events (paused, done, failed) change nothing here.
 */
export function applyRunEvent(series: RunSeries, event: RunEvent): RunSeries {
  if (event.runId !== series.runId) return series;
  switch (event.kind) {
    case 'started': {
      const done = series.epochs.at(-1)?.epoch ?? 0;
      truncateAfter(series, done);
      series.progress = {
        epoch: done,
        epochs: event.epochs,
        batch: 0,
        batchesPerEpoch: Math.round(event.totalBatches / Math.max(1, event.epochs)),
        imagesPerSecond: 0,
        elapsedSeconds: finishedSeconds(series),
        etaSeconds: 0,
      };
      break;
    }
    case 'batch': {
      const x = event.epoch - 1 + event.batch / Math.max(1, event.batchesPerEpoch);
      const [lossEma, loss] = emaStep(series.lossEma, event.loss, BATCH_SMOOTHING);
      const [accuracyEma, accuracy] = emaStep(series.accuracyEma, event.accuracy, BATCH_SMOOTHING);
      series.lossEma = lossEma;
      series.accuracyEma = accuracyEma;
      putRow(series, x, {
        batchLoss: event.loss,
        batchLossSmooth: loss,
        batchAccuracy: event.accuracy,
        batchAccuracySmooth: accuracy,
      });
      series.progress = {
        epoch: event.epoch,
        epochs: series.progress?.epochs ?? event.epoch,
        batch: event.batch,
        batchesPerEpoch: event.batchesPerEpoch,
        imagesPerSecond: event.imagesPerSecond,
        elapsedSeconds: finishedSeconds(series) + event.elapsedSeconds,
        etaSeconds: event.etaSeconds,
      };
      break;
    }
    case 'epoch': {
      const { kind: _kind, runId: _runId, ...metrics } = event;
      putEpoch(series, metrics);
      if (series.progress) series.progress = { ...series.progress, elapsedSeconds: finishedSeconds(series) };
      break;
    }
    default:
      return series;
  }
  series.version++;
  return series;
}

/** The series of a run known only from its record (after a reload): epoch points only. */
export function seriesFromRecord(record: RunRecord): RunSeries {
  const series = emptySeries(record.id);
  for (const metrics of record.epochs) putEpoch(series, metrics);
  series.progress = record.epochs.length
    ? {
        epoch: record.epochs.at(-1)!.epoch,
        epochs: record.training.epochs,
        batch: 0,
        batchesPerEpoch: 0,
        imagesPerSecond: record.result?.imagesPerSecond ?? 0,
        elapsedSeconds: finishedSeconds(series),
        etaSeconds: 0,
      }
    : null;
  series.version = 1;
  return series;
}

/** uPlot data for the loss chart: x, batch loss, smoothed batch loss, epoch train loss, epoch test loss. */
export function lossData(series: RunSeries): [number[], Column, Column, Column, Column] {
  return [series.x, series.batchLoss, series.batchLossSmooth, series.trainLoss, series.testLoss];
}

/** uPlot data for the accuracy chart, in the same column order as `lossData`. */
export function accuracyData(series: RunSeries): [number[], Column, Column, Column, Column] {
  return [
    series.x,
    series.batchAccuracy,
    series.batchAccuracySmooth,
    series.trainAccuracy,
    series.testAccuracy,
  ];
}

/**
 * Epoch curves of several runs on one x axis (epochs 1…max), for comparing runs: one column
 * per run, null where a run has no such epoch.
 */
export function compareData(
  runs: ReadonlyArray<{ epochs: readonly EpochMetrics[] }>,
  metric: keyof Omit<EpochMetrics, 'epoch' | 'seconds'>,
): [number[], ...Column[]] {
  const last = Math.max(0, ...runs.flatMap((r) => r.epochs.map((e) => e.epoch)));
  const x = Array.from({ length: last }, (_, i) => i + 1);
  const columns = runs.map((run) => {
    const byEpoch = new Map(run.epochs.map((e) => [e.epoch, e[metric]]));
    return x.map((epoch) => byEpoch.get(epoch) ?? null);
  });
  return [x, ...columns];
}
