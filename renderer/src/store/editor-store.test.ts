import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/presets/index';
import { createEditorStore, safeAnalyze } from './editor-store';
import { fittingTypes } from './fitting';
import { CLIPBOARD_FORMAT } from './clipboard';
import { readGroups } from './groups';

/** Builds LeNet by hand through the store, as a person would on the canvas. */
function buildLeNet() {
  const store = createEditorStore();
  const a = store.actions;
  const chain: Array<[string, Record<string, number | string | boolean>]> = [
    ['input', { height: 28, width: 28, channels: 1 }],
    ['conv2d', { filters: 6, kernelSize: 5, padding: 2, activation: 'sigmoid' }],
    ['avgPool2d', { poolSize: 2, strides: 2 }],
    ['conv2d', { filters: 16, kernelSize: 5, padding: 0, activation: 'sigmoid' }],
    ['avgPool2d', { poolSize: 2, strides: 2 }],
    ['flatten', {}],
    ['dense', { units: 120, activation: 'sigmoid' }],
    ['dense', { units: 84, activation: 'sigmoid' }],
    ['dense', { units: 10, activation: 'none' }],
  ];
  const ids: string[] = [];
  chain.forEach(([type, params], i) => {
    const id = a.addNode(type, { x: i * 200, y: 0 });
    for (const [name, value] of Object.entries(params)) a.setParam(name, value, [id]);
    if (i > 0)
      expect(a.connect({ source: ids[i - 1], sourcePort: 'out', target: id, targetPort: 'in' })).toBeNull();
    ids.push(id);
  });
  return { store, a, ids };
}

describe('editor store', () => {
  it('builds LeNet by hand and reaches the book’s 61,706 parameters', () => {
    const { store, ids } = buildLeNet();
    const { analysis } = store.getState();
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.trainable).toBe(61_706);
    expect(analysis.nodes[ids[5]].outputShape).toEqual([400]);
    expect(store.getState().dirty).toBe(true);
  });

  it('undoes and redoes every step back to the empty canvas and forward again', () => {
    const { store, a } = buildLeNet();
    const final = store.getState().doc;
    let steps = 0;
    while (store.getState().history.past.length > 0) {
      a.undo();
      steps++;
    }
    expect(store.getState().doc.nodes).toHaveLength(0);
    expect(store.getState().dirty).toBe(false);
    for (let i = 0; i < steps; i++) a.redo();
    expect(store.getState().doc).toBe(final);
    expect(store.getState().analysis.totals.trainable).toBe(61_706);
  });

  it('makes one undo step of a drag and does not re-analyse for a move', () => {
    const { store, a, ids } = buildLeNet();
    const before = store.getState();
    a.placeNodes(
      new Map([
        [ids[1], { x: 500, y: 300 }],
        [ids[2], { x: 700, y: 300 }],
      ]),
    );
    const after = store.getState();
    expect(after.analysis).toBe(before.analysis);
    expect(after.history.past).toHaveLength(before.history.past.length + 1);
    a.undo();
    expect(store.getState().doc.nodes.find((n) => n.id === ids[1])?.position).toEqual({ x: 200, y: 0 });
  });

  it('coalesces typing into one field into one undo step, but not edits of another field', () => {
    const { store, a, ids } = buildLeNet();
    const steps = store.getState().history.past.length;
    a.setParam('units', 1, [ids[6]]);
    a.setParam('units', 12, [ids[6]]);
    a.setParam('units', 128, [ids[6]]);
    expect(store.getState().history.past.length).toBe(steps + 1);
    a.setParam('activation', 'relu', [ids[6]]);
    expect(store.getState().history.past.length).toBe(steps + 2);
    a.undo();
    a.undo();
    expect(store.getState().doc.nodes.find((n) => n.id === ids[6])?.params.units).toBe(120);
  });

  it('refuses a cycle, an occupied input and incompatible shapes, saying why', () => {
    const { store, a, ids } = buildLeNet();
    const doc = store.getState().doc;
    expect(a.connect({ source: ids[3], sourcePort: 'out', target: ids[1], targetPort: 'in' })).toMatch(
      /already connected/,
    );
    const loose = a.addNode('conv2d', { x: 0, y: 300 });
    expect(a.connect({ source: ids[8], sourcePort: 'out', target: loose, targetPort: 'in' })).toMatch(
      /Incompatible shapes/,
    );
    expect(a.connect({ source: loose, sourcePort: 'out', target: loose, targetPort: 'in' })).toMatch(
      /itself/,
    );
    const add = a.addNode('add', { x: 0, y: 400 });
    expect(a.connect({ source: ids[2], sourcePort: 'out', target: add, targetPort: 'in' })).toBeNull();
    expect(a.connect({ source: add, sourcePort: 'out', target: ids[2], targetPort: 'in' })).toMatch(
      /cycle|already connected/,
    );
    expect(store.getState().doc.edges).toHaveLength(doc.edges.length + 1);
  });

  it('rewires a link by moving its end, and refuses a rewire that breaks shapes', () => {
    const { store, a, ids } = buildLeNet();
    const extra = a.addNode('dense', { x: 0, y: 300 });
    const edge = store.getState().doc.edges.find((e) => e.source === ids[6])!;
    expect(
      a.reconnect(edge.id, { source: ids[6], sourcePort: 'out', target: extra, targetPort: 'in' }),
    ).toBeNull();
    expect(store.getState().doc.edges.find((e) => e.id === edge.id)?.target).toBe(extra);
    const conv = a.addNode('conv2d', { x: 0, y: 500 });
    expect(
      a.reconnect(edge.id, { source: ids[6], sourcePort: 'out', target: conv, targetPort: 'in' }),
    ).toMatch(/Incompatible/);
  });

  it('shows a Dense-before-Flatten error when Flatten is bypassed, and clears it again', () => {
    const { store, a, ids } = buildLeNet();
    a.toggleBypass([ids[5]]);
    const issue = store.getState().analysis.issues.find((i) => i.nodeId === ids[6]);
    expect(issue?.severity).toBe('error');
    expect(store.getState().analysis.valid).toBe(false);
    a.toggleBypass([ids[5]]);
    expect(store.getState().analysis.valid).toBe(true);
  });

  it('copies and pastes a selection with fresh ids, shifted, keeping only inner links', () => {
    const { store, a, ids } = buildLeNet();
    a.select({ nodes: [ids[1], ids[2], ids[3]] });
    const text = a.copy()!;
    expect(JSON.parse(text).edges).toHaveLength(2);
    const before = store.getState().doc;
    expect(a.paste(text)).toBe(3);
    const after = store.getState().doc;
    const pasted = after.nodes.slice(before.nodes.length);
    expect(pasted.map((n) => n.id).some((id) => ids.includes(id))).toBe(false);
    expect(pasted[0].position).toEqual({ x: 240, y: 40 });
    const newEdges = after.edges.slice(before.edges.length);
    expect(newEdges).toHaveLength(2);
    expect(
      newEdges.every((e) => pasted.some((n) => n.id === e.source) && pasted.some((n) => n.id === e.target)),
    ).toBe(true);
    expect(store.getState().selection.nodes).toEqual(pasted.map((n) => n.id));
    a.undo();
    expect(store.getState().doc).toBe(before);
  });

  it('ignores garbage on the clipboard and drops unknown node types from a payload', () => {
    const { store, a } = buildLeNet();
    const doc = store.getState().doc;
    for (const junk of [
      '',
      'hello',
      '{"format":"other"}',
      '[1,2]',
      '{"format":"cnn-studio-clipboard","nodes":"x"}',
    ])
      expect(a.paste(junk)).toBe(0);
    expect(store.getState().doc).toBe(doc);
    const mixed = JSON.stringify({
      format: CLIPBOARD_FORMAT,
      nodes: [
        { id: 'a', type: 'dense', params: { units: 5 }, position: { x: 0, y: 0 } },
        { id: 'b', type: 'rm -rf', params: {}, position: { x: 0, y: 0 } },
        { id: 'c', type: 'dense', params: { units: {} }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'e', source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' }],
    });
    expect(a.paste(mixed)).toBe(1);
    expect(store.getState().doc.edges).toHaveLength(doc.edges.length);
  });

  it('duplicates, selects all and deletes a selection with its links', () => {
    const { store, a, ids } = buildLeNet();
    a.select({ nodes: [ids[6], ids[7]] });
    expect(a.duplicate()).toBe(2);
    expect(store.getState().doc.nodes).toHaveLength(11);
    a.selectAll();
    expect(store.getState().selection.nodes).toHaveLength(11);
    a.select({ nodes: [ids[4]], edges: [] });
    a.deleteSelection();
    const doc = store.getState().doc;
    expect(doc.nodes.some((n) => n.id === ids[4])).toBe(false);
    expect(doc.edges.some((e) => e.source === ids[4] || e.target === ids[4])).toBe(false);
  });

  it('loads a preset as one undoable step and tracks dirty against the saved document', () => {
    const store = createEditorStore();
    const a = store.actions;
    a.replaceDocument(getPreset('resnet18'));
    expect(store.getState().analysis.valid).toBe(true);
    expect(store.getState().fitRequest).toBe(1);
    a.markSaved('/tmp/r.cnn.json');
    expect(store.getState().dirty).toBe(false);
    a.setParam('units', 20, [store.getState().doc.nodes.at(-1)!.id]);
    expect(store.getState().dirty).toBe(true);
    a.undo();
    expect(store.getState().dirty).toBe(false);
    a.undo();
    expect(store.getState().doc.nodes).toHaveLength(0);
  });

  it('expands a block and bypasses a node, each undoable', () => {
    const store = createEditorStore(getPreset('resnet18'));
    const a = store.actions;
    const block = store.getState().doc.nodes.find((n) => n.type === 'residual')!;
    a.setExpanded(block.id, true);
    expect(store.getState().doc.nodes.find((n) => n.id === block.id)?.expanded).toBe(true);
    a.undo();
    expect(store.getState().doc.nodes.find((n) => n.id === block.id)?.expanded).toBeUndefined();
  });

  it('makes room below an expanded block (top-down layout) and closes it on collapse, in one step each', () => {
    const store = createEditorStore(getPreset('resnet18'));
    const a = store.actions;
    expect(store.getState().doc.layout.direction).toBe('TB');
    const y = (id: string) => store.getState().doc.nodes.find((n) => n.id === id)!.position.y;
    const [above, block, below] = ['maxpool1', 'residual1', 'residual2'];
    const before = { above: y(above), block: y(block), below: y(below) };
    const steps = store.getState().history.past.length;
    a.setExpanded(block, true, 120);
    expect([y(above), y(block), y(below)]).toEqual([before.above, before.block, before.below + 120]);
    expect(store.getState().history.past.length).toBe(steps + 1);
    a.setExpanded(block, false, 120);
    expect(y(below)).toBe(before.below);
  });

  it('groups a selection (Ctrl+G) in the document meta, collapses and ungroups it, each undoable', () => {
    const { store, a, ids } = buildLeNet();
    a.select({ nodes: [ids[0]] });
    expect(a.groupSelection()).toBeNull(); // one layer is not a group
    a.select({ nodes: [ids[1], ids[2]] });
    const id = a.groupSelection()!;
    expect(readGroups(store.getState().doc)).toEqual([{ id, label: 'Group 1', nodeIds: [ids[1], ids[2]] }]);
    expect(store.getState().analysis.totals.trainable).toBe(61_706); // the analysis ignores groups
    a.setGroupCollapsed(id, true);
    expect(readGroups(store.getState().doc)[0].collapsed).toBe(true);
    a.select({ nodes: [ids[2]] });
    a.deleteSelection();
    expect(readGroups(store.getState().doc)[0].nodeIds).toEqual([ids[1]]);
    a.undo();
    a.select({ nodes: [ids[2]] });
    a.ungroupSelection();
    expect(readGroups(store.getState().doc)).toEqual([]);
    a.undo();
    a.undo();
    expect(readGroups(store.getState().doc)[0].collapsed).toBeUndefined();
  });

  it('inserts an unlinked node into a link, keeping the shapes flowing', () => {
    const { store, a, ids } = buildLeNet();
    const edge = store.getState().doc.edges.find((e) => e.source === ids[6])!;
    const drop = a.addNode('dropout', { x: 0, y: 0 });
    expect(a.insertOnEdge(drop, edge.id)).toBe(true);
    const doc = store.getState().doc;
    expect(doc.edges.some((e) => e.source === ids[6] && e.target === drop)).toBe(true);
    expect(doc.edges.some((e) => e.source === drop && e.target === ids[7])).toBe(true);
    expect(store.getState().analysis.valid).toBe(true);
    expect(a.insertOnEdge(drop, doc.edges[0].id)).toBe(false);
  });

  it('offers only the node types that fit a dangling link', () => {
    const { store, ids } = buildLeNet();
    const fromFlatten = fittingTypes(
      store.getState().doc,
      { nodeId: ids[5], port: 'out', side: 'source' },
      safeAnalyze,
    ).map((d) => d.type);
    expect(fromFlatten).toContain('dense');
    expect(fromFlatten).not.toContain('conv2d');
    expect(fromFlatten).not.toContain('input');
    const fromConv = fittingTypes(
      store.getState().doc,
      { nodeId: ids[3], port: 'out', side: 'source' },
      safeAnalyze,
    ).map((d) => d.type);
    expect(fromConv).toContain('conv2d');
  });
});
