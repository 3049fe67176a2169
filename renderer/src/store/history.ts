/**
 * Undo/redo over immutable snapshots. Documents are never mutated, so a snapshot is
 * just a reference and the history costs only what actually changed.
 */

/** How many steps back the editor remembers. */
export const HISTORY_LIMIT = 200;

export interface History<T> {
  past: readonly T[];
  future: readonly T[];
}

export const emptyHistory = <T>(): History<T> => ({ past: [], future: [] });

/** Records `before` as the state to return to; a new change clears the redo list. */
export function record<T>(history: History<T>, before: T): History<T> {
  const past = [...history.past, before];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, future: [] };
}

/** Steps back: returns the state to show and the new history, or null at the start. */
export function undo<T>(history: History<T>, current: T): { state: T; history: History<T> } | null {
  if (history.past.length === 0) return null;
  const state = history.past[history.past.length - 1];
  return { state, history: { past: history.past.slice(0, -1), future: [current, ...history.future] } };
}

/** Steps forward again after an undo, or null when there is nothing to redo. */
export function redo<T>(history: History<T>, current: T): { state: T; history: History<T> } | null {
  if (history.future.length === 0) return null;
  const [state, ...future] = history.future;
  return { state, history: { past: [...history.past, current], future } };
}
