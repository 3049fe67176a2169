/** Small helpers for writing readable Python source. */

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield x self'.split(
    ' ',
  ),
);

/**
 * Names the generated scripts define or import at module level and call inside
 * `build_model` / `forward`: a value named `conv` there would shadow the `conv` helper
 * (`conv = conv(...)` is an UnboundLocalError in Python).
 */
const SCRIPT_NAMES = new Set(
  'pad conv max_pool avg_pool batch_norm frozen keras layers tf torch nn F np math contextlib argparse'.split(
    ' ',
  ),
);

/**
 * Python identifiers for node ids: safe, unique, and as close to the id as possible
 * (`conv-1` → `conv_1`, `1x1` → `n_1x1`).
 */
export function pythonNames(ids: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of ids) {
    let base = id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+/, '') || 'node';
    if (/^[0-9]/.test(base)) base = `n_${base}`;
    if (PYTHON_KEYWORDS.has(base) || SCRIPT_NAMES.has(base)) base = `${base}_`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    names.set(id, name);
  }
  return names;
}

/** A Python literal for a JSON-ish value. */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "float('nan')";
    if (!Number.isFinite(value)) return value > 0 ? "float('inf')" : "float('-inf')";
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.map(pyLiteral);
    return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`,
  );
  return `{${entries.join(', ')}}`;
}

/** A one-line Python string literal safe for docstrings/comments content. */
export function pyComment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** Indents every non-empty line of `code` by `levels` × 4 spaces. */
export function indent(code: string, levels = 1): string {
  const pad = '    '.repeat(levels);
  return code
    .split('\n')
    .map((line) => (line.length > 0 ? pad + line : line))
    .join('\n');
}
