/**
 * Freezing through the editor store: the selection (or given nodes) freezes in one undo
 * step, the summary's counts follow, a second toggle unfreezes, and copy-paste keeps it.
 */
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/presets/index';
import { createEditorStore } from './editor-store';

function resnet18Store() {
  const store = createEditorStore();
  store.actions.openDocument(getPreset('resnet18'), null);
  return store;
}

describe('freezing in the editor', () => {
  it('freezes the selection in one undo step and moves its weights to non-trainable', () => {
    const store = resnet18Store();
    const a = store.actions;
    const before = store.getState().analysis.totals;
    a.select({ nodes: ['conv1', 'bn1', 'residual1'] });
    a.toggleFreeze();
    const frozen = store.getState();
    expect(frozen.doc.nodes.filter((n) => n.trainable === false).map((n) => n.id)).toEqual([
      'conv1',
      'bn1',
      'residual1',
    ]);
    const moved = ['conv1', 'bn1', 'residual1'].reduce(
      (sum, id) => sum + frozen.analysis.nodes[id].params.nonTrainable,
      0,
    );
    expect(frozen.analysis.totals.trainable).toBeLessThan(before.trainable);
    expect(frozen.analysis.totals.trainable + frozen.analysis.totals.nonTrainable).toBe(
      before.trainable + before.nonTrainable,
    );
    expect(moved).toBeGreaterThan(before.nonTrainable);
    a.undo();
    expect(store.getState().doc.nodes.some((n) => n.trainable === false)).toBe(false);
    expect(store.getState().analysis.totals).toEqual(before);
  });

  it('unfreezes when every given node is frozen, and freezes all when only some are', () => {
    const store = resnet18Store();
    const a = store.actions;
    a.toggleFreeze(['conv1']);
    a.toggleFreeze(['conv1', 'bn1']);
    expect(store.getState().doc.nodes.filter((n) => n.trainable === false)).toHaveLength(2);
    a.toggleFreeze(['conv1', 'bn1']);
    expect(store.getState().doc.nodes.filter((n) => n.trainable === false)).toHaveLength(0);
  });

  it('keeps the frozen flag through copy and paste', () => {
    const store = resnet18Store();
    const a = store.actions;
    a.toggleFreeze(['conv1']);
    a.select({ nodes: ['conv1'] });
    const text = a.copy()!;
    expect(a.paste(text)).toBe(1);
    const pasted = store.getState().doc.nodes.at(-1)!;
    expect(pasted.type).toBe('conv2d');
    expect(pasted.trainable).toBe(false);
  });
});
