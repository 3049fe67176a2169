/** Fix-its: each of the editor's own error cases becomes valid in one click, as one undo step. */
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../engine/graph/document';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { documentOf, nodeOf } from '../../../engine/graph/test-graphs';
import { getPreset } from '../../../engine/presets/index';
import { createEditorStore } from './editor-store';
import { fixesForNode } from './fixits';

const image = (h: number, w: number, c: number) =>
  nodeOf('in', 'input', { height: h, width: w, channels: c });

/** Dense straight after a 5×5×16 image. */
const denseAfterImage = (): GraphDocument =>
  documentOf(
    [
      image(28, 28, 1),
      nodeOf('conv', 'conv2d', { filters: 16, kernelSize: 3, padding: 0 }),
      nodeOf('fc', 'dense', { units: 10 }),
    ],
    [
      ['in', 'conv'],
      ['conv', 'fc'],
    ],
  );

/** A residual block whose main branch halves the image and doubles the channels; the shortcut is the bare input. */
const mismatchedAdd = (): GraphDocument =>
  documentOf(
    [
      image(28, 28, 8),
      nodeOf('branch', 'conv2d', { filters: 16, kernelSize: 3, strides: 2, padding: 1 }),
      nodeOf('sum', 'add'),
    ],
    [
      ['in', 'branch'],
      ['branch', 'sum'],
      ['in', 'sum'],
    ],
  );

/** A 5×5 kernel on a 3×3 image without padding. */
const kernelTooLarge = (): GraphDocument =>
  documentOf([image(3, 3, 1), nodeOf('conv', 'conv2d', { kernelSize: 5, padding: 0 })], [['in', 'conv']]);

function fixes(doc: GraphDocument, nodeId: string) {
  return fixesForNode(doc, analyzeGraph(doc), nodeId);
}

describe('fix-its', () => {
  it('offer Flatten or Global average pooling for Dense after an image, and each makes the graph valid', () => {
    const doc = denseAfterImage();
    expect(analyzeGraph(doc).issues.map((i) => i.code)).toContain('needs-flatten');
    const offered = fixes(doc, 'fc');
    expect(offered.map((f) => f.id)).toEqual(['flatten', 'global-pool']);

    const flattened = offered[0]!.apply(doc);
    expect(analyzeGraph(flattened).valid).toBe(true);
    expect(analyzeGraph(flattened).nodes.fc!.inputShapes).toEqual([[26 * 26 * 16]]);

    const pooled = offered[1]!.apply(doc);
    const analysis = analyzeGraph(pooled);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes.fc!.inputShapes).toEqual([[16]]);
    expect(pooled.nodes.map((n) => n.type)).toEqual([
      'input',
      'conv2d',
      'dense',
      'globalAvgPool2d',
      'flatten',
    ]);
    expect(doc.nodes).toHaveLength(3); // the original is untouched
  });

  it('offer a 1×1 convolution with the matching stride and channels on the shortcut of a mismatched Add', () => {
    const doc = mismatchedAdd();
    expect(analyzeGraph(doc).valid).toBe(false);
    const [projection, ...others] = fixes(doc, 'sum');
    expect(others).toEqual([]);
    expect(projection!.label).toContain('16 filters, stride 2');
    const fixed = projection!.apply(doc);
    const analysis = analyzeGraph(fixed);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes.sum!.outputShape).toEqual([14, 14, 16]);
    const conv = fixed.nodes.find((n) => !doc.nodes.some((o) => o.id === n.id))!;
    expect(conv.params).toMatchObject({
      kernelSize: 1,
      strides: 2,
      filters: 16,
      padding: 0,
      activation: 'none',
    });
    // It sits on the shortcut (input → add), not on the branch.
    expect(fixed.edges.some((e) => e.source === 'in' && e.target === conv.id)).toBe(true);
    expect(fixed.edges.some((e) => e.source === conv.id && e.target === 'sum')).toBe(true);
  });

  it('offer nothing for an Add no 1×1 convolution can repair (a vector beside an image)', () => {
    const doc = documentOf(
      [image(4, 4, 1), nodeOf('flat', 'flatten'), nodeOf('sum', 'add')],
      [
        ['in', 'flat'],
        ['flat', 'sum'],
        ['in', 'sum'],
      ],
    );
    expect(analyzeGraph(doc).valid).toBe(false);
    expect(fixes(doc, 'sum')).toEqual([]);
  });

  it('offer padding "same" for a window larger than its input', () => {
    const doc = kernelTooLarge();
    expect(analyzeGraph(doc).issues.map((i) => i.code)).toContain('spatial-too-small');
    const [same] = fixes(doc, 'conv');
    expect(same!.id).toBe('padding-same');
    expect(analyzeGraph(same!.apply(doc)).valid).toBe(true);
  });

  it('offer the largest smaller kernel that fits, for the whole graph', () => {
    const [, smaller] = fixes(kernelTooLarge(), 'conv');
    expect(smaller!.label).toBe('Use a 3×3 kernel');
    expect(analyzeGraph(smaller!.apply(kernelTooLarge())).valid).toBe(true);

    // LeNet's second convolution sees 14×14: 14×14 would leave 1×1 for the 2×2 pooling after it.
    const lenet = getPreset('lenet');
    lenet.nodes.find((n) => n.id === 'conv2')!.params.kernelSize = 30;
    const offered = fixes(lenet, 'conv2');
    expect(offered.map((f) => f.label)).toEqual(['Use padding "same"', 'Use a 13×13 kernel']);
    expect(analyzeGraph(offered[1]!.apply(lenet)).valid).toBe(true);
  });

  it('offer a smaller pooling window for a pool larger than its input', () => {
    const doc = documentOf([image(3, 3, 1), nodeOf('pool', 'maxPool2d', { poolSize: 4 })], [['in', 'pool']]);
    const smaller = fixes(doc, 'pool').find((f) => f.id === 'smaller-window');
    expect(smaller!.label).toBe('Use a 3×3 pooling window');
    expect(analyzeGraph(smaller!.apply(doc)).valid).toBe(true);
  });

  it("offer a Resize to the preset's size when a preset's input was made too small, as one undo step", () => {
    const alexnet = getPreset('alexnet');
    const original = analyzeGraph(alexnet).totals;
    const input = alexnet.nodes.find((n) => n.type === 'input')!;
    input.params = { ...input.params, height: 28, width: 28 };
    const store = createEditorStore(alexnet);
    const { analysis } = store.getState();
    const issue = analysis.issues.find((i) => i.code === 'spatial-too-small')!;
    const resize = fixesForNode(alexnet, analysis, issue.nodeId!).find((f) => f.id === 'resize-input');
    expect(resize!.label).toBe('Insert Resize to 224×224 after the input');

    store.actions.applyFix(resize!);
    const fixed = store.getState().analysis;
    expect(fixed.valid).toBe(true);
    expect(fixed.totals.trainable).toBe(original.trainable);
    expect(store.getState().doc.nodes.filter((n) => n.type === 'resize')).toHaveLength(1);
    store.actions.undo();
    expect(store.getState().analysis.valid).toBe(false);
    expect(store.getState().doc.nodes.some((n) => n.type === 'resize')).toBe(false);
  });

  it('offer no Resize outside presets', () => {
    expect(fixes(kernelTooLarge(), 'conv').map((f) => f.id)).not.toContain('resize-input');
  });

  it('offer nothing for a valid node', () => {
    expect(fixes(denseAfterImage(), 'conv')).toEqual([]);
  });

  it('are applied as one undoable step', () => {
    const store = createEditorStore(denseAfterImage());
    const [, pool] = fixesForNode(store.getState().doc, store.getState().analysis, 'fc');
    store.actions.applyFix(pool!);
    expect(store.getState().analysis.valid).toBe(true);
    expect(store.getState().doc.nodes).toHaveLength(5);
    store.actions.undo();
    expect(store.getState().doc.nodes).toHaveLength(3);
    expect(store.getState().analysis.valid).toBe(false);
    store.actions.redo();
    expect(store.getState().doc.nodes).toHaveLength(5);
  });
});
