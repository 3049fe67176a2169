import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { getPreset } from '../../../engine/presets/index';
import type { DatasetInfo } from '../../../engine/protocol/api';
import { graphSignature, trainingReadiness } from './readiness';

const fashion: DatasetInfo = {
  id: 'fashion-mnist',
  name: 'Fashion-MNIST',
  source: 'builtin',
  trainSize: 60000,
  testSize: 10000,
  imageShape: [28, 28, 1],
  classNames: Array.from({ length: 10 }, (_, i) => `c${i}`),
};

describe('training readiness', () => {
  it('lets LeNet train on Fashion-MNIST with no warnings', () => {
    const r = trainingReadiness(analyzeGraph(getPreset('lenet')), fashion);
    expect(r).toEqual({ blocking: null, warnings: [] });
  });

  it('blocks an invalid graph and points at the node at fault', () => {
    const doc = getPreset('lenet');
    const conv = doc.nodes.find((n) => n.type === 'conv2d')!;
    conv.params = { ...conv.params, filters: 0 };
    const r = trainingReadiness(analyzeGraph(doc), fashion);
    expect(r.blocking?.nodeId).toBe(conv.id);
    expect(r.blocking?.message).toMatch(/Fix the graph first/);
  });

  it('blocks when the output units differ from the dataset classes, naming both numbers', () => {
    const r = trainingReadiness(analyzeGraph(getPreset('lenet')), {
      ...fashion,
      classNames: ['a', 'b', 'c'],
    });
    expect(r.blocking?.message).toMatch(/3 classes .* 10 units/);
    expect(r.blocking?.nodeId).toBeTruthy();
  });

  it('warns (does not block) when the images must be resized to the input size', () => {
    const r = trainingReadiness(analyzeGraph(getPreset('alexnet')), fashion);
    expect(r.blocking).toBeNull();
    expect(r.warnings[0].message).toMatch(/28×28×1.*224×224×1.*resizes/);
  });
});

describe('graph signature', () => {
  it('ignores positions and names but not params', () => {
    const a = getPreset('lenet');
    const moved = { ...a, name: 'x', nodes: a.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    expect(graphSignature(moved)).toBe(graphSignature(a));
    const edited = {
      ...a,
      nodes: a.nodes.map((n, i) => (i === 1 ? { ...n, params: { ...n.params, filters: 7 } } : n)),
    };
    expect(graphSignature(edited)).not.toBe(graphSignature(a));
  });
});
