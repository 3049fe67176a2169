import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/protocol/api';
import { curvesCsv, curvesFileName } from './curves-export';
import { applyRunEvent, emptySeries } from './series';

const batch = (epoch: number, batchIndex: number, loss: number, accuracy: number): RunEvent => ({
  kind: 'batch',
  runId: 'r',
  epoch,
  batch: batchIndex,
  batchesPerEpoch: 2,
  loss,
  accuracy,
  imagesPerSecond: 100,
  elapsedSeconds: 1,
  etaSeconds: 1,
});

describe('curvesCsv', () => {
  it('writes one row per chart point and one column per series, empty where a row has none', () => {
    const series = emptySeries('r');
    applyRunEvent(series, batch(1, 1, 2.5, 0.25));
    applyRunEvent(series, batch(1, 2, 2, 0.5));
    applyRunEvent(series, {
      kind: 'epoch',
      runId: 'r',
      epoch: 1,
      trainLoss: 2.1,
      trainAccuracy: 0.4,
      testLoss: 1.9,
      testAccuracy: 0.45,
      seconds: 3,
    });
    const lines = curvesCsv(series).split('\n');
    expect(lines[0]).toBe(
      'epoch,batch_loss,batch_loss_smoothed,train_loss,test_loss,batch_accuracy,batch_accuracy_smoothed,train_accuracy,test_accuracy',
    );
    expect(lines).toHaveLength(4); // header, 2 rows, the final newline
    const first = lines[1].split(',');
    expect(first).toHaveLength(9);
    expect(first[0]).toBe('0.5');
    expect(first[1]).toBe('2.5');
    expect(first[3]).toBe(''); // no epoch value at a batch
    // The last batch of the epoch and the epoch's evaluation share x = 1: one row holds both.
    const second = lines[2].split(',');
    expect(second[0]).toBe('1');
    expect(second[1]).toBe('2');
    expect(second.slice(3, 5)).toEqual(['2.1', '1.9']);
    expect(second.slice(7)).toEqual(['0.4', '0.45']);
    expect(lines[3]).toBe('');
  });

  it('is only the header for a run without points, and leaves out non-finite values', () => {
    expect(curvesCsv(emptySeries('r'))).toBe(
      'epoch,batch_loss,batch_loss_smoothed,train_loss,test_loss,batch_accuracy,batch_accuracy_smoothed,train_accuracy,test_accuracy\n',
    );
    const series = emptySeries('r');
    applyRunEvent(series, batch(1, 1, Number.NaN, 0.1));
    expect(curvesCsv(series).split('\n')[1].split(',')[1]).toBe('');
  });
});

describe('curvesFileName', () => {
  it('makes a safe file name of the run name', () => {
    expect(curvesFileName('LeNet on fashion-mnist', 'csv')).toBe('LeNet-on-fashion-mnist-curves.csv');
    expect(curvesFileName('a/b\\c: d', 'png')).toBe('a-b-c-d-curves.png');
    expect(curvesFileName('///', 'csv')).toBe('run-curves.csv');
  });
});
