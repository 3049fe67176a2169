/**
 * Unfolding a block in the editor: one undo step, the same counts, the block's layers laid
 * out where it was with the layers after it moved along.
 */
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../engine/presets/index';
import { createEditorStore } from './editor-store';

describe('unfolding blocks in the editor', () => {
  it('replaces the selected block with its layers in one undo step, counts unchanged', () => {
    const store = createEditorStore();
    const a = store.actions;
    a.openDocument(getPreset('resnet18'), null);
    const before = store.getState();
    const { trainable, nonTrainable } = before.analysis.totals;
    a.select({ nodes: ['residual1', 'relu1'] });
    expect(a.unfoldBlocks()).toBe(1);
    const after = store.getState();
    expect(after.analysis.valid).toBe(true);
    expect(after.analysis.totals).toMatchObject({ trainable, nonTrainable });
    expect(after.doc.nodes.some((n) => n.type === 'residual' && n.id === 'residual1')).toBe(false);
    expect(after.doc.nodes.find((n) => n.id === 'residual1_conv1')?.type).toBe('conv2d');
    // The next layer moved down past the unfolded ones.
    const y = (doc: typeof after.doc, id: string) => doc.nodes.find((n) => n.id === id)!.position.y;
    expect(y(after.doc, 'residual2')).toBeGreaterThan(y(after.doc, 'residual1'));
    expect(y(after.doc, 'residual2')).toBeGreaterThan(y(before.doc, 'residual2'));
    a.undo();
    expect(store.getState().doc).toEqual(before.doc);
    expect(a.unfoldBlocks(['conv1'])).toBe(0);
  });
});
