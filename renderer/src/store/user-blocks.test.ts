/**
 * Make block in the editor store: three selected layers become one instance of a new
 * definition, a second instance from the palette takes the place of three more, the totals
 * stay those of the original model, an edit of the definition changes both instances in
 * one undo step.
 */
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/presets/index';
import { blockInside } from '../canvas/block-graph';
import { useBlockLibrary } from './block-library';
import { createEditorStore } from './editor-store';
import { definitionFrom, draftBlock, type BlockDraft } from './user-blocks';

function bnLenetStore() {
  return createEditorStore(getPreset('bn-lenet'));
}

function draftOf(store: ReturnType<typeof bnLenetStore>, ids: string[]): BlockDraft {
  const { doc, analysis } = store.getState();
  const result = draftBlock(doc, analysis, ids);
  if ('problem' in result) throw new Error(result.problem);
  return result.draft;
}

/** Dense → batch norm → sigmoid, its units exposed. */
function makeDenseBlock(store: ReturnType<typeof bnLenetStore>) {
  const draft = draftOf(store, ['dense1', 'bn3', 'sigmoid3']);
  const definition = definitionFrom(
    draft,
    {
      label: 'Dense BN Sigmoid',
      params: [
        {
          name: 'units',
          label: 'Units',
          default: 120,
          min: 1,
          targets: [{ node: 'dense1', param: 'units' }],
        },
      ],
    },
    new Set(),
  );
  const id = store.actions.makeBlock(draft, definition);
  return { definition, id };
}

describe('Make block', () => {
  it('replaces three layers by one instance wired the same, totals unchanged, one undo step', () => {
    const store = bnLenetStore();
    const before = store.getState().analysis.totals;
    const { definition, id } = makeDenseBlock(store);
    const { doc, analysis } = store.getState();
    expect(definition.type).toBe('user.denseBnSigmoid');
    expect(doc.nodes.map((n) => n.id)).not.toContain('dense1');
    expect(doc.edges.filter((e) => e.target === id).map((e) => e.source)).toEqual(['flatten1']);
    expect(doc.edges.filter((e) => e.source === id).map((e) => e.target)).toEqual(['dense2']);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.trainable).toBe(before.trainable);
    expect(analysis.totals.nonTrainable).toBe(before.nonTrainable);

    store.actions.undo();
    expect(store.getState().doc.nodes.map((n) => n.id)).toContain('dense1');
    expect(store.getState().doc.blocks ?? []).toEqual([]);
  });

  it('places a second instance from the palette in place of three more layers: totals still right', () => {
    const store = bnLenetStore();
    const before = store.getState().analysis.totals;
    const { definition, id: first } = makeDenseBlock(store);
    store.actions.deleteItems(['dense2', 'bn4', 'sigmoid4']);
    const second = store.actions.addNode(definition.type, { x: 0, y: 1300 });
    store.actions.setParam('units', 84, [second]);
    expect(
      store.actions.connect({ source: first, sourcePort: 'out', target: second, targetPort: 'in' }),
    ).toBeNull();
    expect(
      store.actions.connect({ source: second, sourcePort: 'out', target: 'dense3', targetPort: 'in' }),
    ).toBeNull();
    const { analysis } = store.getState();
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.trainable).toBe(before.trainable);
    expect(analysis.totals.nonTrainable).toBe(before.nonTrainable);
    expect(analysis.totals.macs).toBe(before.macs);
  });

  it('edits the definition: every instance follows, and one undo brings all back', () => {
    const store = bnLenetStore();
    const { definition, id } = makeDenseBlock(store);
    const second = store.actions.addNode(definition.type, { x: 200, y: 0 });
    store.actions.connect({ source: 'sigmoid4', sourcePort: 'out', target: second, targetPort: 'in' });
    store.actions.deleteItems(['dense3']);
    store.actions.setParam('units', 10, [second]);
    const before = store.getState().analysis;
    expect(before.valid).toBe(true);

    store.actions.updateBlockDefinition({
      ...definition,
      nodes: definition.nodes.map((n) =>
        n.id === 'dense1' ? { ...n, params: { ...n.params, useBias: false } } : n,
      ),
    });
    const after = store.getState().analysis;
    // Each instance loses one bias per unit: 120 and 10.
    expect(before.totals.trainable - after.totals.trainable).toBe(120 + 10);
    expect(before.nodes[id].params.trainable - after.nodes[id].params.trainable).toBe(120);
    expect(before.nodes[second].params.trainable - after.nodes[second].params.trainable).toBe(10);

    store.actions.undo();
    expect(store.getState().analysis.totals).toEqual(before.totals);
  });

  it('brings a library block’s definition into the project it is placed in', () => {
    const maker = bnLenetStore();
    const { definition } = makeDenseBlock(maker);
    useBlockLibrary.setState({ definitions: [definition] });
    try {
      const store = createEditorStore();
      const id = store.actions.addNode(definition.type, { x: 0, y: 0 });
      expect(store.getState().doc.blocks).toEqual([definition]);
      expect(store.getState().doc.nodes.find((n) => n.id === id)?.params).toEqual({ units: 120, repeat: 1 });
      store.actions.undo();
      expect(store.getState().doc.blocks).toBeUndefined();
    } finally {
      useBlockLibrary.setState({ definitions: [] });
    }
  });

  it('opens as a graph with its shapes, a vector input included', () => {
    const store = bnLenetStore();
    const { id } = makeDenseBlock(store);
    const { doc, analysis } = store.getState();
    const instance = doc.nodes.find((n) => n.id === id)!;
    const inside = blockInside(instance, analysis.nodes[id].inputShapes[0], 'TB')!;
    expect(inside.analysis?.valid).toBe(true);
    expect(inside.analysis?.nodes.dense1.outputShape).toEqual([120]);
    expect(inside.analysis?.totals.trainable).toBe(analysis.nodes[id].params.trainable);
  });

  it('pasted into another project, an instance brings its definition', () => {
    const maker = bnLenetStore();
    const { definition, id } = makeDenseBlock(maker);
    maker.actions.select({ nodes: [id] });
    const text = maker.actions.copy()!;
    const other = createEditorStore();
    expect(other.actions.paste(text)).toBe(1);
    expect(other.getState().doc.blocks).toEqual([definition]);
  });

  it('refuses a selection with two inputs or two outputs, saying why', () => {
    const store = bnLenetStore();
    const { doc, analysis } = store.getState();
    expect(draftBlock(doc, analysis, ['input', 'conv1'])).toEqual({
      problem: 'A block cannot hold the Input layer.',
    });
    expect(draftBlock(doc, analysis, ['conv1', 'avgpool1'])).toMatchObject({
      problem: expect.stringContaining('one input'),
    });
  });
});
