/**
 * Real public model files (engine/export/fixtures/SOURCES.md) import into valid graphs
 * whose trainable and non-trainable counts equal the weights their files list.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import {
  IMPORT_GROUPS_META_KEY,
  importLayersModel,
  type ImportGroup,
  type ManifestGroup,
} from './import-keras';
import { checkImportedGraph } from './import-repair';
import { kerasResNet50 } from './test-support/keras-resnet50';

const read = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

/** Imports a fixture and checks it as `cnn-studio import` does. */
function importFixture(name: string) {
  const result = importLayersModel(read(name));
  const checked = checkImportedGraph(result.document);
  expect(checked.problems).toEqual([]);
  expect(result.unmapped).toEqual([]);
  const analysis = analyzeGraph(checked.document!);
  expect(analysis.valid).toBe(true);
  return { result, document: checked.document!, totals: analysis.totals };
}

/** Trainable and non-trainable counts from a weights manifest (batch norm's moving statistics are not trained). */
function manifestCounts(manifest: readonly ManifestGroup[]) {
  const counts = { trainable: 0, nonTrainable: 0 };
  for (const weight of manifest.flatMap((group) => group.weights)) {
    const size = weight.shape.reduce((product, n) => product * n, 1);
    if (/moving_(mean|variance)$/.test(weight.name)) counts.nonTrainable += size;
    else counts.trainable += size;
  }
  return counts;
}

describe('real model files', () => {
  it.each(['tfjs-4.22-keras-3.8-digits.json', 'teachable-machine-image.json'])(
    '%s: the counts equal the weights its manifest lists',
    (name) => {
      const { result, totals } = importFixture(name);
      expect(result.weightsManifest).not.toBeNull();
      const expected = manifestCounts(result.weightsManifest!);
      expect({ trainable: totals.trainable, nonTrainable: totals.nonTrainable }).toEqual(expected);
    },
  );

  it('Teachable Machine: the nested models (a Functional inside a Sequential, and the head) are flattened and kept as groups', () => {
    const { document } = importFixture('teachable-machine-image.json');
    const groups = document.meta[IMPORT_GROUPS_META_KEY] as ImportGroup[];
    expect(groups.map((group) => [group.name, group.className])).toEqual([
      ['sequential_3', 'Sequential'],
      ['model2', 'Model'],
      ['sequential_5', 'Sequential'],
    ]);
    // The MobileNetV2 trunk (model2) sits inside sequential_3.
    expect(groups[1].nodeIds.every((id) => groups[0].nodeIds.includes(id))).toBe(true);
    // Every node belongs to one of them: the trunk (its input too) or the head.
    const grouped = new Set(groups.flatMap((group) => group.nodeIds));
    expect(document.nodes.filter((node) => !grouped.has(node.id))).toEqual([]);
    expect(groups[2].nodeIds.length).toBeLessThan(10);
    // The editor frames the two outer ones (its groups do not nest).
    const frames = document.meta.editorGroups as Array<{ label: string; nodeIds: string[] }>;
    expect(frames.map((frame) => [frame.label, frame.nodeIds.length])).toEqual([
      ['sequential_3', groups[0].nodeIds.length],
      ['sequential_5', groups[2].nodeIds.length],
    ]);
  });

  it('Keras 2.0.6 Sequential (a bare layer list, the input shape on the first layer)', () => {
    const { totals, document } = importFixture('keras-2.0.6-sequential-cnn.json');
    expect(document.nodes[0]).toMatchObject({
      type: 'input',
      params: { height: 150, width: 150, channels: 3 },
    });
    // 3 convs (3×3: 3→32, 32→32, 32→64), dense 17·17·64→64, dense 64→1.
    const convs = 3 * 3 * 3 * 32 + 32 + (3 * 3 * 32 * 32 + 32) + (3 * 3 * 32 * 64 + 64);
    expect(totals.trainable).toBe(convs + (17 * 17 * 64 * 64 + 64) + 65);
    expect(totals.nonTrainable).toBe(0);
  });

  it("Keras 2.2 MobileNet v1: Keras Applications' counts", () => {
    const { totals } = importFixture('keras-2.2-mobilenet-v1.json');
    // keras.applications.MobileNet(alpha=1.0, input 224): 4,253,864 parameters.
    expect(totals.trainable).toBe(4_231_976);
    expect(totals.nonTrainable).toBe(21_888);
  });
});

describe('ResNet-50 as Keras Applications writes it', () => {
  it.each([
    ['Keras 2', false],
    ['Keras 3', true],
  ])("%s JSON imports with Keras's counts", (_version, keras3) => {
    const result = importLayersModel(kerasResNet50({ keras3 }));
    const checked = checkImportedGraph(result.document);
    expect(checked.problems).toEqual([]);
    const { totals } = analyzeGraph(checked.document!);
    expect(totals.trainable).toBe(25_583_592);
    expect(totals.nonTrainable).toBe(53_120);
  });
});
