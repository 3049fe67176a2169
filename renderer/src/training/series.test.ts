import { describe, expect, it } from 'vitest';
import type { RunEvent, RunRecord } from '../../../engine/protocol/api';
import { DEFAULT_TRAINING } from '../../../engine/graph/document';
import { accuracyData, applyRunEvent, compareData, emptySeries, lossData, seriesFromRecord } from './series';
import { startedEvent } from './test-fixtures';

const started = (epochs = 2, perEpoch = 4): RunEvent => startedEvent('r1', epochs, perEpoch);
const batch = (epoch: number, b: number, loss: number, accuracy = 0.5): RunEvent => ({
  kind: 'batch',
  runId: 'r1',
  epoch,
  batch: b,
  batchesPerEpoch: 4,
  loss,
  accuracy,
  imagesPerSecond: 100,
  elapsedSeconds: b * 0.5,
  etaSeconds: 3,
});
const epoch = (e: number, testAccuracy: number): RunEvent => ({
  kind: 'epoch',
  runId: 'r1',
  epoch: e,
  trainLoss: 1 / e,
  trainAccuracy: 0.5,
  testLoss: 1.2 / e,
  testAccuracy,
  seconds: 2,
});

describe('run events → chart series', () => {
  it('puts batches at fractional epochs and epoch metrics at whole epochs, in aligned columns', () => {
    const s = emptySeries('r1');
    for (const event of [started(), batch(1, 2, 2.0), batch(1, 4, 1.0), epoch(1, 0.6), batch(2, 2, 0.8)])
      applyRunEvent(s, event);
    expect(s.x).toEqual([0.5, 1, 1.5]);
    const [x, raw, smooth, train, test] = lossData(s);
    expect(x).toBe(s.x);
    // The epoch point shares the row of the epoch's last batch (same x).
    expect(raw).toEqual([2, 1, 0.8]);
    expect(train).toEqual([null, 1, null]);
    expect(test).toEqual([null, 1.2, null]);
    expect(smooth[0]).toBeCloseTo(2);
    expect(smooth[1]!).toBeGreaterThan(1); // smoothed lags the raw drop
    expect(accuracyData(s)[4]).toEqual([null, 0.6, null]);
    for (const column of [...lossData(s), ...accuracyData(s)]) expect(column).toHaveLength(3);
  });

  it('tracks progress: epoch, batch, speed, elapsed across epochs, ETA', () => {
    const s = emptySeries('r1');
    for (const event of [started(3), batch(1, 4, 1), epoch(1, 0.5), batch(2, 2, 1)]) applyRunEvent(s, event);
    expect(s.progress).toEqual({
      epoch: 2,
      epochs: 3,
      batch: 2,
      batchesPerEpoch: 4,
      imagesPerSecond: 100,
      elapsedSeconds: 3,
      etaSeconds: 3,
    });
  });

  it('bumps the version on data changes only, and ignores other runs', () => {
    const s = emptySeries('r1');
    applyRunEvent(s, batch(1, 1, 1));
    const v = s.version;
    applyRunEvent(s, { kind: 'paused', runId: 'r1' });
    applyRunEvent(s, { ...batch(1, 2, 1), runId: 'other' } as RunEvent);
    expect(s.version).toBe(v);
    expect(s.x).toHaveLength(1);
  });

  it('on resume from a checkpoint drops the unfinished epoch so x stays increasing', () => {
    const s = emptySeries('r1');
    for (const event of [started(), batch(1, 4, 1), epoch(1, 0.5), batch(2, 1, 0.9), batch(2, 2, 0.8)])
      applyRunEvent(s, event);
    applyRunEvent(s, started());
    expect(s.x).toEqual([1]);
    applyRunEvent(s, batch(2, 1, 0.7));
    expect(s.x).toEqual([1, 1.25]);
    expect(s.batchLossSmooth[1]).toBeCloseTo(0.7);
  });

  it('rebuilds epoch curves from a stored run record', () => {
    const record = {
      id: 'r1',
      training: { ...DEFAULT_TRAINING, epochs: 2 },
      epochs: [1, 2].map((e) => {
        const { kind: _k, runId: _r, ...m } = epoch(e, 0.5 + e / 10) as Extract<RunEvent, { kind: 'epoch' }>;
        return m;
      }),
      result: null,
    } as unknown as RunRecord;
    const s = seriesFromRecord(record);
    expect(s.x).toEqual([1, 2]);
    expect(s.testAccuracy).toEqual([0.6, 0.7]);
    expect(s.progress?.elapsedSeconds).toBe(4);
  });

  it('lines up several runs by epoch for comparison', () => {
    const m = (e: number, testAccuracy: number) => ({
      epoch: e,
      trainLoss: 1,
      trainAccuracy: 0,
      testLoss: 1,
      testAccuracy,
      seconds: 1,
    });
    const data = compareData(
      [{ epochs: [m(1, 0.5), m(2, 0.6)] }, { epochs: [m(1, 0.7), m(2, 0.8), m(3, 0.9)] }],
      'testAccuracy',
    );
    expect(data).toEqual([
      [1, 2, 3],
      [0.5, 0.6, null],
      [0.7, 0.8, 0.9],
    ]);
  });
});
