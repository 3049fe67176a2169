import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../engine/graph/document';
import { getPreset } from '../../../engine/presets';
import { MATCH_DISTANCE, describeChange, diffGraphs, isEmptyDiff } from './graph-diff';

const lenet = () => getPreset('lenet');

function node(doc: GraphDocument, id: string) {
  return doc.nodes.find((n) => n.id === id)!;
}

/** Removes `id` and links its source straight to its target (a chain). */
function cutOut(doc: GraphDocument, id: string): void {
  const into = doc.edges.find((e) => e.target === id)!;
  const out = doc.edges.find((e) => e.source === id)!;
  doc.nodes = doc.nodes.filter((n) => n.id !== id);
  doc.edges = doc.edges.filter((e) => e !== into && e !== out);
  doc.edges.push({ ...out, id: `${into.source}-${out.target}`, source: into.source });
}

describe('diffGraphs', () => {
  it('finds nothing between a graph and its copy, even with a default written out or left implicit', () => {
    const after = lenet();
    delete (node(after, 'conv1').params as Record<string, unknown>).dilation; // 1 is the default
    const diff = diffGraphs(lenet(), after);
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.matched.size).toBe(after.nodes.length);
  });

  it('names the params that changed, with both values', () => {
    const after = lenet();
    node(after, 'conv1').params = { ...node(after, 'conv1').params, filters: 8, activation: 'relu' };
    const diff = diffGraphs(lenet(), after);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0].params).toEqual([
      { name: 'filters', before: 6, after: 8 },
      { name: 'activation', before: 'sigmoid', after: 'relu' },
    ]);
    expect(describeChange(diff.changed[0])).toBe('filters 6 → 8, activation sigmoid → relu');
  });

  it('a removed layer is reported as it was, and the layer after it as rewired', () => {
    const after = lenet();
    cutOut(after, 'dense2');
    const diff = diffGraphs(lenet(), after);
    expect(diff.removed.map((n) => n.id)).toEqual(['dense2']);
    expect(diff.removed[0].params.units).toBe(84);
    expect(diff.changed.map((c) => [c.afterId, c.inputsChanged])).toEqual([['dense3', true]]);
  });

  it('an inserted layer is added, and the layer it feeds is rewired', () => {
    const after = lenet();
    after.nodes.push({
      id: 'dropout1',
      type: 'dropout',
      params: { rate: 0.5 },
      position: { x: 300, y: 650 },
    });
    const link = after.edges.find((e) => e.source === 'dense1')!;
    after.edges = after.edges.filter((e) => e !== link);
    after.edges.push({ ...link, id: 'a', target: 'dropout1' }, { ...link, id: 'b', source: 'dropout1' });
    const diff = diffGraphs(lenet(), after);
    expect(diff.added).toEqual(['dropout1']);
    expect(diff.changed.map((c) => c.afterId)).toEqual(['dense2']);
  });

  it('a layer deleted and re-made under a new id at the same place is the same layer', () => {
    const after = lenet();
    const conv2 = node(after, 'conv2');
    conv2.id = 'conv2b';
    conv2.params = { ...conv2.params, filters: 32 };
    conv2.position = { x: conv2.position.x + 16, y: conv2.position.y };
    for (const e of after.edges) {
      if (e.source === 'conv2') e.source = 'conv2b';
      if (e.target === 'conv2') e.target = 'conv2b';
    }
    const diff = diffGraphs(lenet(), after);
    expect(diff.matched.get('conv2b')).toBe('conv2');
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    // Its neighbours' inputs are the same layer as before, so only its filters changed.
    expect(diff.changed.map((c) => [c.beforeId, c.afterId, describeChange(c)])).toEqual([
      ['conv2', 'conv2b', 'filters 16 → 32'],
    ]);
  });

  it('a same-type layer far away under another id is a new layer, not the old one moved', () => {
    const after = lenet();
    const conv2 = node(after, 'conv2');
    conv2.id = 'conv9';
    conv2.position = { x: conv2.position.x + MATCH_DISTANCE + 1, y: conv2.position.y };
    for (const e of after.edges) {
      if (e.source === 'conv2') e.source = 'conv9';
      if (e.target === 'conv2') e.target = 'conv9';
    }
    const diff = diffGraphs(lenet(), after);
    expect(diff.added).toEqual(['conv9']);
    expect(diff.removed.map((n) => n.id)).toEqual(['conv2']);
    expect(diff.changed.map((c) => c.afterId)).toEqual(['avgpool2']);
  });

  it('a layer whose type changed under the same id says so, and bypassing is a change', () => {
    const after = lenet();
    node(after, 'avgpool1').type = 'maxPool2d';
    node(after, 'dense1').bypassed = true;
    const diff = diffGraphs(lenet(), after);
    expect(diff.changed.map(describeChange)).toEqual(['type avgPool2d → maxPool2d', 'bypass']);
  });
});
