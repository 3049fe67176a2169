import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import type { Shape } from '../graph/document';
import { serializeGraphDocument } from '../graph/serialize';
import {
  applicationPresetIds,
  bookPresetIds,
  getPreset,
  listPresets,
  presetIds,
  UnknownPresetError,
  type BookPresetId,
} from './index';

/**
 * The book's networks with 1 input channel and 10 classes, as its PyTorch code builds them:
 * trainable params and the output shape after each stage (channels last), computed with
 * engine/presets/reference/book_models.py (torch 1.13, Debian).
 */
const BOOK: Record<
  BookPresetId,
  {
    input: number;
    trainable: number;
    stages: Array<[nodeId: string, shape: Shape]>;
    lr: number;
    batch: number;
  }
> = {
  lenet: {
    input: 28,
    trainable: 61_706,
    lr: 0.9,
    batch: 256,
    stages: [
      ['conv1', [28, 28, 6]],
      ['avgpool1', [14, 14, 6]],
      ['conv2', [10, 10, 16]],
      ['avgpool2', [5, 5, 16]],
      ['flatten1', [400]],
      ['dense1', [120]],
      ['dense2', [84]],
      ['dense3', [10]],
    ],
  },
  alexnet: {
    input: 224,
    trainable: 46_764_746,
    lr: 0.01,
    batch: 128,
    stages: [
      ['conv1', [54, 54, 96]],
      ['maxpool1', [26, 26, 96]],
      ['conv2', [26, 26, 256]],
      ['maxpool2', [12, 12, 256]],
      ['conv3', [12, 12, 384]],
      ['conv4', [12, 12, 384]],
      ['conv5', [12, 12, 256]],
      ['maxpool3', [5, 5, 256]],
      ['flatten1', [6400]],
      ['dense1', [4096]],
      ['dense2', [4096]],
      ['dense3', [10]],
    ],
  },
  vgg11: {
    input: 224,
    trainable: 128_806_154,
    lr: 0.05,
    batch: 128,
    stages: [
      ['vgg1', [112, 112, 64]],
      ['vgg2', [56, 56, 128]],
      ['vgg3', [28, 28, 256]],
      ['vgg4', [14, 14, 512]],
      ['vgg5', [7, 7, 512]],
      ['flatten1', [25088]],
      ['dense3', [10]],
    ],
  },
  'vgg11-small': {
    input: 224,
    trainable: 43_093_322,
    lr: 0.05,
    batch: 128,
    stages: [
      ['vgg1', [112, 112, 16]],
      ['vgg2', [56, 56, 32]],
      ['vgg3', [28, 28, 64]],
      ['vgg4', [14, 14, 128]],
      ['vgg5', [7, 7, 128]],
      ['flatten1', [6272]],
      ['dense3', [10]],
    ],
  },
  nin: {
    input: 224,
    trainable: 1_992_166,
    lr: 0.1,
    batch: 128,
    stages: [
      ['nin1', [54, 54, 96]],
      ['maxpool1', [26, 26, 96]],
      ['nin2', [26, 26, 256]],
      ['maxpool2', [12, 12, 256]],
      ['nin3', [12, 12, 384]],
      ['maxpool3', [5, 5, 384]],
      ['nin4', [5, 5, 10]],
      ['gap1', [1, 1, 10]],
      ['flatten1', [10]],
    ],
  },
  googlenet: {
    input: 96,
    trainable: 5_977_530,
    lr: 0.1,
    batch: 128,
    stages: [
      ['maxpool1', [24, 24, 64]],
      ['maxpool2', [12, 12, 192]],
      ['maxpool3', [6, 6, 480]],
      ['maxpool4', [3, 3, 832]],
      ['flatten1', [1024]],
      ['dense1', [10]],
    ],
  },
  'bn-lenet': {
    input: 28,
    trainable: 44_878,
    lr: 1.0,
    batch: 256,
    stages: [
      ['conv1', [24, 24, 6]],
      ['avgpool1', [12, 12, 6]],
      ['conv2', [8, 8, 16]],
      ['avgpool2', [4, 4, 16]],
      ['flatten1', [256]],
      ['dense1', [120]],
      ['dense2', [84]],
      ['dense3', [10]],
    ],
  },
  resnet18: {
    input: 96,
    trainable: 11_178_378,
    lr: 0.05,
    batch: 256,
    stages: [
      ['maxpool1', [24, 24, 64]],
      ['residual2', [24, 24, 64]],
      ['residual4', [12, 12, 128]],
      ['residual6', [6, 6, 256]],
      ['residual8', [3, 3, 512]],
      ['flatten1', [512]],
      ['dense1', [10]],
    ],
  },
  densenet: {
    input: 96,
    trainable: 758_226,
    lr: 0.1,
    batch: 256,
    stages: [
      ['maxpool1', [24, 24, 64]],
      ['denseblock1', [24, 24, 192]],
      ['transition1', [12, 12, 96]],
      ['denseblock2', [12, 12, 224]],
      ['transition2', [6, 6, 112]],
      ['denseblock3', [6, 6, 240]],
      ['transition3', [3, 3, 120]],
      ['denseblock4', [3, 3, 248]],
      ['flatten1', [248]],
      ['dense1', [10]],
    ],
  },
};

describe.each(bookPresetIds.map((id) => [id]))('book preset %s', (id) => {
  const book = BOOK[id];

  it("has the book's trainable params, input size and stage shapes, with no issues", () => {
    const analysis = analyzeGraph(getPreset(id));
    expect(analysis.issues).toEqual([]);
    expect(analysis.totals.trainable).toBe(book.trainable);
    expect(analysis.inputShape).toEqual([book.input, book.input, 1]);
    expect(analysis.outputShape).toEqual(book.stages[book.stages.length - 1][1]);
    for (const [nodeId, shape] of book.stages) {
      expect([nodeId, analysis.nodes[nodeId]?.outputShape]).toEqual([nodeId, shape]);
    }
  });

  it("carries the book's training settings and results", () => {
    const doc = getPreset(id);
    expect(doc.training).toMatchObject({
      dataset: 'fashion-mnist',
      epochs: 10,
      optimizer: 'sgd',
      momentum: 0,
      learningRate: book.lr,
      batchSize: book.batch,
    });
    expect(doc.meta).toMatchObject({ preset: id, book: { section: expect.stringMatching(/^[67]\.\d$/) } });
    expect(doc.description).toMatch(/\d+×\d+ input\.$/);
  });
});

/**
 * Keras Applications' networks (weights=None, include_top=True, 224×224×3, 1,000 classes):
 * ResNet-50's counts as `model.summary()` prints them; MobileNetV2's total 3,538,984 is the
 * Keras Applications documentation's table (keras.io/api/applications), split into
 * trainable and the batch norms' moving means and variances (52 BN layers, 17,056 channels).
 */
const KERAS_APPLICATIONS = {
  resnet50: { trainable: 25_583_592, nonTrainable: 53_120, blocks: ['bottleneck', 16] },
  mobilenetv2: { trainable: 3_504_872, nonTrainable: 34_112, blocks: ['invertedResidual', 17] },
} as const;

describe.each(applicationPresetIds.map((id) => [id]))('Keras Applications preset %s', (id) => {
  it("has Keras's parameter counts, 224×224×3 in and 1,000 softmax classes out, with no issues", () => {
    const doc = getPreset(id);
    const analysis = analyzeGraph(doc);
    const keras = KERAS_APPLICATIONS[id];
    expect(analysis.issues).toEqual([]);
    expect(analysis.totals).toMatchObject({ trainable: keras.trainable, nonTrainable: keras.nonTrainable });
    expect(analysis.inputShape).toEqual([224, 224, 3]);
    expect(analysis.outputShape).toEqual([1000]);
    expect(doc.nodes.filter((node) => node.type === keras.blocks[0])).toHaveLength(keras.blocks[1]);
    expect(doc.meta).toMatchObject({ preset: id, source: expect.stringContaining('Keras Applications') });
    expect(doc.description).toMatch(/224×224×3 input\.$/);
  });
});

describe.each(presetIds.map((id) => [id]))('preset %s', (id) => {
  it('is a canonical graph file laid out top to bottom', () => {
    const text = readFileSync(new URL(`./${id}.json`, import.meta.url), 'utf8');
    expect(serializeGraphDocument(getPreset(id))).toBe(text);
    const { order } = analyzeGraph(getPreset(id));
    const y = new Map(getPreset(id).nodes.map((node) => [node.id, node.position.y]));
    const ys = order.map((nodeId) => y.get(nodeId)!);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(new Set(ys).size).toBe(ys.length);
  });
});

describe('presets', () => {
  it('getPreset returns a fresh copy each time', () => {
    const first = getPreset('lenet');
    first.nodes[1].params.filters = 99;
    first.training.learningRate = 5;
    const second = getPreset('lenet');
    expect(second.nodes[1].params.filters).toBe(6);
    expect(second.training.learningRate).toBe(0.9);
  });

  it('an unknown id names the valid ones', () => {
    expect(() => getPreset('lenet5')).toThrow(UnknownPresetError);
    expect(() => getPreset('lenet5')).toThrow(
      `unknown preset "lenet5"; the presets are: ${presetIds.join(', ')}`,
    );
  });

  it("listPresets describes each preset in book order, then Keras Applications'", () => {
    const list = listPresets();
    expect(list.map((info) => info.id)).toEqual([...presetIds]);
    expect(list.slice(-2).map((info) => info.id)).toEqual(['resnet50', 'mobilenetv2']);
    expect(list[0]).toMatchObject({
      id: 'lenet',
      name: 'LeNet',
      inputShape: [28, 28, 1],
      trainableParams: 61_706,
    });
    for (const info of list) expect(info.description.length).toBeGreaterThan(20);
  });

  it('the committed files are what scripts/make-presets.ts writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'presets-'));
    try {
      execFileSync(process.execPath, ['scripts/make-presets.mjs'], {
        env: { ...process.env, PRESETS_OUT_DIR: dir },
        stdio: 'pipe',
      });
      for (const id of presetIds) {
        expect([id, readFileSync(join(dir, `${id}.json`), 'utf8')]).toEqual([
          id,
          readFileSync(new URL(`./${id}.json`, import.meta.url), 'utf8'),
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
