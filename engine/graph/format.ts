/**
 * Formatting of shapes and counts for people: the one place the CLI, the summary table
 * and the editor's labels take them from, so they always read the same.
 */
import type { Shape } from './document';

/**
 * A shape as people read it: `28×28×6` for an image, `400` for a vector, `?` when unknown.
 *
 * @example formatShape([28, 28, 6]) // '28×28×6'
 */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.join('×');
}

/**
 * An integer with thousands separators (`61,706`), independent of the machine's locale.
 *
 * @example formatCount(61706) // '61,706'
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A large count in short form: `61.7K`, `46.8M`, `1.2G`; small counts stay whole.
 *
 * @example formatCompact(46_764_746) // '46.8M'
 */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) return `${trimZero((n / size).toFixed(1))}${suffix}`;
  }
  return String(Math.round(n));
}

/** Bytes as `1.5 MB` (powers of 1024, as memory is usually shown). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${trimZero(value.toFixed(1))} ${units[unit]}`;
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/**
 * Names joined with commas, the first `limit` of them then how many more, so a message
 * about thousands of nodes stays one readable line.
 *
 * @example formatList(['a', 'b', 'c', 'd'], 2) // 'a, b and 2 more'
 */
export function formatList(names: readonly string[], limit = 5): string {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')} and ${formatCount(names.length - limit)} more`;
}

/**
 * A path of node ids as `a → b → c`, its middle left out when it is long: the first and
 * last `keep` ids stay.
 *
 * @example formatPathOfIds(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 2) // 'a → b → … → g → h'
 */
export function formatPathOfIds(ids: readonly string[], keep = 3): string {
  const shown = ids.length <= 2 * keep + 1 ? ids : [...ids.slice(0, keep), '…', ...ids.slice(-keep)];
  return shown.join(' → ');
}
