/** Small helpers that quote values and paths in error messages. */

/** A value as a message quotes it: `"abc"`, `12`, `null`, `a list`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > 42 ? `${quoted.slice(0, 40)}…"` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value.length <= 4 && value.every((v) => typeof v !== 'object')
      ? JSON.stringify(value)
      : `a list of ${value.length}`;
  return 'an object';
}

/** Longest key a path shows whole; longer keys (a file's own keys can be any length) are cut. */
const MAX_KEY_SHOWN = 40;

/** A path like `['nodes', 3, 'params', 'filters']` as `nodes[3].params.filters`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    const name = String(key);
    const shown = name.length > MAX_KEY_SHOWN ? `${name.slice(0, MAX_KEY_SHOWN)}…` : name;
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? shown : `.${shown}`;
  }
  return text;
}

/** The value at `path` inside `root`, or `undefined` when the path leads nowhere. */
export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
