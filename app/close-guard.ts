/**
 * Guards closing a window that has unsaved changes: the renderer reports its dirty flag,
 * and a close asks the person Save / Don't Save / Cancel first.
 *
 * "Save" sends the renderer a save command and closes the window once the renderer reports
 * it is clean. If the save does not happen (the save dialog was cancelled, or nothing came
 * of it within `saveTimeoutMs`), the window stays open: a later save must not close it.
 */

export type CloseChoice = 'save' | 'discard' | 'cancel';

/** The message box's buttons, in order; `closeChoices[response]` maps the answer back. */
export const closeChoices: readonly CloseChoice[] = ['save', 'discard', 'cancel'];

/** The question asked before closing with unsaved changes (Electron `showMessageBox` options). */
export const closeDialog = {
  type: 'warning' as const,
  buttons: ['Save', "Don't Save", 'Cancel'],
  defaultId: 0,
  cancelId: 2,
  noLink: true,
  title: 'Unsaved changes',
  message: 'Save the changes to your model before closing?',
  detail: "Your changes will be lost if you don't save them.",
};

export interface CloseGuard {
  readonly dirty: boolean;
  /** The renderer's dirty flag changed. Returns `'close'` when a Save-then-close just finished. */
  setDirty(dirty: boolean): 'close' | null;
  /** The window is about to close: `'allow'` it, or prevent it and `'ask'` the person. */
  onCloseRequested(): 'allow' | 'ask';
  /** The answer to the question: close now, send the renderer a save command, or stay open. */
  onChoice(choice: CloseChoice): 'close' | 'save' | 'stay';
  /** The save dialog opened for a Save-then-close was cancelled: stay open. */
  onSaveCancelled(): void;
}

export function createCloseGuard(options: { now?: () => number; saveTimeoutMs?: number } = {}): CloseGuard {
  const now = options.now ?? Date.now;
  const saveTimeoutMs = options.saveTimeoutMs ?? 120_000;
  let dirty = false;
  /** Set after "Don't Save": the next close goes through. */
  let forceClose = false;
  /** When a Save-then-close was asked for, until the renderer reports clean. */
  let closeAfterSaveSince: number | null = null;

  return {
    get dirty() {
      return dirty;
    },
    setDirty(flag) {
      dirty = flag;
      if (flag || closeAfterSaveSince === null) return null;
      const inTime = now() - closeAfterSaveSince <= saveTimeoutMs;
      closeAfterSaveSince = null;
      if (!inTime) return null;
      forceClose = true;
      return 'close';
    },
    onCloseRequested() {
      if (!dirty || forceClose) return 'allow';
      return 'ask';
    },
    onChoice(choice) {
      if (choice === 'discard') {
        forceClose = true;
        return 'close';
      }
      if (choice === 'save') {
        closeAfterSaveSince = now();
        return 'save';
      }
      return 'stay';
    },
    onSaveCancelled() {
      closeAfterSaveSince = null;
    },
  };
}
