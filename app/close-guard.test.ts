import { describe, expect, it } from 'vitest';
import { closeChoices, closeDialog, createCloseGuard } from './close-guard';

describe('close guard', () => {
  it('lets a clean window close without asking', () => {
    const guard = createCloseGuard();
    expect(guard.onCloseRequested()).toBe('allow');
  });

  it('asks before closing a window with unsaved changes', () => {
    const guard = createCloseGuard();
    guard.setDirty(true);
    expect(guard.onCloseRequested()).toBe('ask');
    guard.setDirty(false);
    expect(guard.onCloseRequested()).toBe('allow');
  });

  it("Don't Save closes, and the close that follows is not asked again", () => {
    const guard = createCloseGuard();
    guard.setDirty(true);
    expect(guard.onChoice('discard')).toBe('close');
    expect(guard.onCloseRequested()).toBe('allow');
  });

  it('Cancel keeps the window and asks again next time', () => {
    const guard = createCloseGuard();
    guard.setDirty(true);
    expect(guard.onChoice('cancel')).toBe('stay');
    expect(guard.onCloseRequested()).toBe('ask');
  });

  it('Save asks the renderer to save, then closes once it reports clean', () => {
    const guard = createCloseGuard();
    guard.setDirty(true);
    expect(guard.onChoice('save')).toBe('save');
    expect(guard.setDirty(true)).toBeNull(); // still saving
    expect(guard.setDirty(false)).toBe('close');
    expect(guard.onCloseRequested()).toBe('allow');
  });

  it('a cancelled save dialog keeps the window, and a later save does not close it', () => {
    const guard = createCloseGuard();
    guard.setDirty(true);
    guard.onChoice('save');
    guard.onSaveCancelled();
    expect(guard.setDirty(false)).toBeNull();
    guard.setDirty(true);
    expect(guard.onCloseRequested()).toBe('ask');
  });

  it('a save that comes too late does not close the window', () => {
    let now = 0;
    const guard = createCloseGuard({ now: () => now, saveTimeoutMs: 1000 });
    guard.setDirty(true);
    guard.onChoice('save');
    now = 5000;
    expect(guard.setDirty(false)).toBeNull();
  });

  it('maps the dialog buttons to choices in order', () => {
    expect(closeDialog.buttons).toEqual(['Save', "Don't Save", 'Cancel']);
    expect(closeChoices).toEqual(['save', 'discard', 'cancel']);
    expect(closeChoices[closeDialog.cancelId]).toBe('cancel');
    expect(closeChoices[closeDialog.defaultId]).toBe('save');
  });
});
