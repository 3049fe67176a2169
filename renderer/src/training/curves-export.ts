/**
 * A run's learning curves as a file: CSV text with one row per point on the charts' x axis
 * (a batch event, or an epoch's evaluation) and one column per series, and a file name.
 */
import type { RunSeries } from './series';

/** The CSV columns after `epoch`, in order, and the series each reads. */
const CSV_COLUMNS = [
  ['batch_loss', 'batchLoss'],
  ['batch_loss_smoothed', 'batchLossSmooth'],
  ['train_loss', 'trainLoss'],
  ['test_loss', 'testLoss'],
  ['batch_accuracy', 'batchAccuracy'],
  ['batch_accuracy_smoothed', 'batchAccuracySmooth'],
  ['train_accuracy', 'trainAccuracy'],
  ['test_accuracy', 'testAccuracy'],
] as const satisfies ReadonlyArray<readonly [string, keyof RunSeries]>;

/** A number as CSV text: shortest exact form, empty for missing or non-finite values. */
function cell(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/**
 * The curves as CSV (RFC 4180, `\n` line ends): `epoch` is the x position in epochs
 * (fractional for batches: batch 30 of 60 in epoch 2 is 1.5; whole for epoch evaluations),
 * then one column per series, empty where a row has no value of that series.
 *
 * @example curvesCsv(series) // "epoch,batch_loss,…\n0.5,2.1,2.1,,,0.3,0.3,,\n1,…"
 */
export function curvesCsv(series: RunSeries): string {
  const lines = [['epoch', ...CSV_COLUMNS.map(([name]) => name)].join(',')];
  for (let row = 0; row < series.x.length; row++) {
    lines.push([cell(series.x[row]), ...CSV_COLUMNS.map(([, key]) => cell(series[key][row]))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A download name from a run's name: `LeNet on fashion-mnist` → `LeNet-on-fashion-mnist-curves.csv`. */
export function curvesFileName(runName: string, extension: 'csv' | 'png'): string {
  const base = runName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'run'}-curves.${extension}`;
}
