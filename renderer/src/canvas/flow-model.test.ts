import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { activationRing } from '../../../engine/graph/test-graphs';
import { getPreset } from '../../../engine/presets';
import { buildFlowNodes, errorsByNode } from './flow-model';
import { canvasDiff, REMOVED_PREFIX } from './diff-marks';
import type { LayerFlowNode } from './LayerNode';

describe('errorsByNode', () => {
  it('marks every node of a cycle, which is reported once', () => {
    const errors = errorsByNode(analyzeGraph(activationRing(12)));
    for (let i = 0; i < 12; i++) expect(errors.get(`a${i}`)?.message).toMatch(/is part of a cycle/);
  });
});

describe('buildFlowNodes with an architecture diff', () => {
  const noSelection = { nodes: [], edges: [] };

  it('marks new and changed layers, and puts a ghost where a removed layer sat', () => {
    const base = getPreset('lenet');
    const doc = getPreset('lenet');
    doc.nodes = doc.nodes
      .filter((n) => n.id !== 'dense2')
      .map((n) => (n.id === 'conv1' ? { ...n, params: { ...n.params, filters: 8 } } : n));
    doc.edges = doc.edges.filter((e) => e.source !== 'dense2' && e.target !== 'dense2');
    doc.nodes.push({ id: 'drop1', type: 'dropout', params: { rate: 0.5 }, position: { x: 600, y: 0 } });
    const analysis = analyzeGraph(doc);
    const nodes = buildFlowNodes(doc, analysis, noSelection, [], canvasDiff(base, doc));
    const layer = (id: string) => nodes.find((n) => n.id === id) as LayerFlowNode;
    expect(layer('conv1').data.diff).toEqual({ kind: 'changed', detail: 'filters 6 → 8' });
    expect(layer('drop1').data.diff).toEqual({ kind: 'added', detail: '' });
    expect(layer('dense3').data.diff).toEqual({ kind: 'changed', detail: 'inputs' });
    expect(layer('conv2').data.diff).toBeUndefined();
    const ghost = nodes.find((n) => n.id === `${REMOVED_PREFIX}dense2`)!;
    expect(ghost.type).toBe('removed');
    expect(ghost.position).toEqual(base.nodes.find((n) => n.id === 'dense2')!.position);
    expect(ghost.selectable).toBe(false);
  });

  it('keeps an unchanged node object when the marks stay the same, and renews it when they go', () => {
    const doc = getPreset('lenet');
    const analysis = analyzeGraph(doc);
    const changed = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === 'conv1' ? { ...n, params: { ...n.params, filters: 8 } } : n)),
    };
    const diff = canvasDiff(doc, changed);
    const first = buildFlowNodes(changed, analysis, noSelection, [], diff);
    const again = buildFlowNodes(changed, analysis, noSelection, first, canvasDiff(doc, changed));
    expect(again.find((n) => n.id === 'conv1')).toBe(first.find((n) => n.id === 'conv1'));
    const cleared = buildFlowNodes(changed, analysis, noSelection, again, null);
    expect((cleared.find((n) => n.id === 'conv1') as LayerFlowNode).data.diff).toBeUndefined();
  });
});
