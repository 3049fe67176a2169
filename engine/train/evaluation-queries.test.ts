/**
 * The evaluation queries of a finished run through the run manager: the images of a
 * confusion cell (matching the run's own matrix, limit subset included) and Grad-CAM maps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, toSample } from '../datasets/index';
import { inProcessLauncher } from './launchers';
import { createRunManager, type RunManager } from './run-manager';
import { quickTraining, tinyCnn } from './test-support';

let dataDir: string;
let manager: RunManager;
let runId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-eval-'));
  manager = createRunManager({
    dataDir,
    emit: () => {},
    launcher: inProcessLauncher(),
    batchEventIntervalMs: 0,
  });
  ({ runId } = await manager.start({ graph: tinyCnn(), training: quickTraining({ epochs: 1 }), limit: 320 }));
  await manager.whenSettled(runId);
});

afterAll(async () => {
  await manager.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('confusion cells of a run', () => {
  it('holds, cell by cell, as many test images as the run’s matrix counted', async () => {
    const record = await manager.get(runId);
    expect(record.status).toBe('done');
    const confusion = record.result!.confusion;
    let seen = 0;
    for (const [t, row] of confusion.entries())
      for (const [p, count] of row.entries()) {
        const page = await manager.confusionCell(runId, t, p, 0, 200);
        expect(page.total).toBe(count);
        expect(page.images).toHaveLength(Math.min(count, 200));
        for (const image of page.images) {
          expect(image.image.label).toBe(t);
          expect(image.predictedClass).toBe(p);
          expect(image.confidence).toBeGreaterThan(0);
          expect(image.confidence).toBeLessThanOrEqual(1);
        }
        seen += count;
      }
    expect(seen).toBe(record.result!.testImages);
  });

  it('pages through a cell without gaps or repeats, and names a class that does not exist', async () => {
    const record = await manager.get(runId);
    const row = record.result!.confusion.findIndex((r) => Math.max(...r) >= 3);
    const column = record.result!.confusion[row].findIndex((n) => n >= 3);
    const all = await manager.confusionCell(runId, row, column, 0, 200);
    const first = await manager.confusionCell(runId, row, column, 0, 2);
    const rest = await manager.confusionCell(runId, row, column, 2, 200);
    expect([...first.images, ...rest.images].map((i) => i.index)).toEqual(all.images.map((i) => i.index));
    await expect(manager.confusionCell(runId, 10, 0, 0, 5)).rejects.toThrow(
      "true class 10 is not one of this run's 10 classes (0–9)",
    );
  });
});

describe('class activations of a run', () => {
  it('gives one normalised map per image at the model’s last spatial layer, with its node', async () => {
    const { test } = await openDataset('synthetic', { dataDir });
    const images = [toSample(test, 0), toSample(test, 1)];
    const result = await manager.classActivations(runId, images);
    expect(result.nodeId).toBe('pool');
    expect([result.height, result.width]).toEqual([14, 14]);
    expect(result.maps).toHaveLength(2);
    for (const map of result.maps) {
      expect(map.values).toHaveLength(14 * 14);
      expect(Math.min(...map.values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...map.values)).toBeLessThanOrEqual(1);
    }
    const forClassThree = await manager.classActivations(runId, images, [3, 3]);
    expect(forClassThree.maps.map((m) => m.classIndex)).toEqual([3, 3]);
  });
});
