/** Matching node types against what a person types in a palette or search box. */
import type { NodeTypeDefinition } from '../../../engine/nodes/types';

/** True when every word of `query` appears in the type's label, id, category or doc. */
export function matchesQuery(def: NodeTypeDefinition, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = `${def.label} ${def.type} ${def.category} ${def.doc}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** Best matches first: label prefix, then label contains, then anywhere. */
export function rankByQuery(defs: readonly NodeTypeDefinition[], query: string): NodeTypeDefinition[] {
  const q = query.trim().toLowerCase();
  const score = (d: NodeTypeDefinition) =>
    !q
      ? 0
      : d.label.toLowerCase().startsWith(q) || d.type.toLowerCase().startsWith(q)
        ? 0
        : d.label.toLowerCase().includes(q)
          ? 1
          : 2;
  return defs.filter((d) => matchesQuery(d, query)).sort((a, b) => score(a) - score(b));
}

/** Groups types by category, keeping registry order within and between categories. */
export function groupByCategory(defs: readonly NodeTypeDefinition[]): Array<[string, NodeTypeDefinition[]]> {
  const groups = new Map<string, NodeTypeDefinition[]>();
  for (const def of defs) groups.set(def.category, [...(groups.get(def.category) ?? []), def]);
  return [...groups];
}
