/** Human-readable training progress for the terminal: a progress bar and a final summary. */
import type { EpochMetrics, RunEvent, RunResult } from '../../protocol/api';

/** `75` → `1:15`, `3725` → `1:02:05`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** One line of progress, e.g. `epoch 1/2 [#######.........] 110/235 loss 0.612 acc 0.781 1,204 img/s ETA 0:42`. */
export function progressLine(
  event: Extract<RunEvent, { kind: 'batch' }>,
  epochs: number,
  width = 20,
): string {
  const filled = Math.round((event.batch / event.batchesPerEpoch) * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return (
    `epoch ${event.epoch}/${epochs} [${bar}] ${event.batch}/${event.batchesPerEpoch} ` +
    `loss ${event.loss.toFixed(3)} acc ${event.accuracy.toFixed(3)} ` +
    `${Math.round(event.imagesPerSecond).toLocaleString('en-US')} img/s ETA ${formatDuration(event.etaSeconds)}`
  );
}

/** What the epochs are evaluated on: the test set, a validation split, or nothing (no test images). */
export type EvaluatedOn = 'test' | 'validation' | 'nothing';

export function epochLine(metrics: EpochMetrics, epochs: number, evaluatedOn: EvaluatedOn = 'test'): string {
  const evaluation =
    evaluatedOn === 'nothing'
      ? 'no test images'
      : `${evaluatedOn === 'validation' ? 'val' : 'test'} loss ${metrics.testLoss.toFixed(4)} acc ${metrics.testAccuracy.toFixed(4)}`;
  return (
    `epoch ${metrics.epoch}/${epochs}: train loss ${metrics.trainLoss.toFixed(4)} acc ${metrics.trainAccuracy.toFixed(4)}` +
    ` · ${evaluation} · ${formatDuration(metrics.seconds)}`
  );
}

export function summaryLines(result: RunResult, classNames: readonly string[], stopped: boolean): string[] {
  const lines = [
    stopped ? 'Stopped.' : 'Done.',
    `  train loss ${result.trainLoss.toFixed(4)}  accuracy ${result.trainAccuracy.toFixed(4)}`,
    result.testImages === 0
      ? '  test  none: the dataset has no test images'
      : `  test  loss ${result.testLoss.toFixed(4)}  accuracy ${result.testAccuracy.toFixed(4)}`,
    `  ${Math.round(result.imagesPerSecond).toLocaleString('en-US')} training images/s`,
  ];
  if (result.perClassAccuracy.length > 0 && result.testImages !== 0) {
    lines.push('  per-class test accuracy:');
    const width = Math.max(...classNames.map((name) => name.length), 5);
    result.perClassAccuracy.forEach((accuracy, i) => {
      lines.push(`    ${(classNames[i] ?? `class ${i}`).padEnd(width)}  ${accuracy.toFixed(3)}`);
    });
  }
  return lines;
}

/** Prints batch events as an in-place bar on a terminal, or every few seconds otherwise. */
export function createProgressPrinter(stream: NodeJS.WriteStream, epochs: () => number) {
  const tty = Boolean(stream.isTTY);
  let lastPlain = 0;
  let open = false;
  const endLine = () => {
    if (open) stream.write('\n');
    open = false;
  };
  return {
    batch(event: Extract<RunEvent, { kind: 'batch' }>) {
      const line = progressLine(event, epochs());
      if (tty) {
        stream.write(`\r${line}\x1b[K`);
        open = true;
      } else if (performance.now() - lastPlain > 5000) {
        lastPlain = performance.now();
        stream.write(`${line}\n`);
      }
    },
    line(text: string) {
      endLine();
      stream.write(`${text}\n`);
    },
    end: endLine,
  };
}
