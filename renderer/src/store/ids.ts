/** Fresh, readable ids for nodes and edges that do not collide with the ones in use. */

/**
 * Returns `<prefix>_<n>` with the smallest n ≥ 1 not in `taken`, and adds it to `taken`.
 *
 * @example
 * freshId('conv2d', new Set(['conv2d_1'])); // 'conv2d_2'
 */
export function freshId(prefix: string, taken: Set<string>): string {
  let n = 1;
  while (taken.has(`${prefix}_${n}`)) n++;
  const id = `${prefix}_${n}`;
  taken.add(id);
  return id;
}
