/**
 * Visual groups: a frame around a selection of layers, with a name, that can be collapsed
 * into one box. Groups are an editor affordance only — there is no "group" node type, the
 * analysis and the engine ignore them — so they live in the document's free-form `meta`
 * (`meta.editorGroups`) and survive saving.
 */
import type { GraphDocument } from '../../../engine/graph/document';
import { freshId } from './ids';

export interface EditorGroup {
  id: string;
  label: string;
  nodeIds: string[];
  collapsed?: boolean;
}

const META_KEY = 'editorGroups';

/** The document's groups, keeping only well-formed ones and members that still exist. */
export function readGroups(doc: GraphDocument): EditorGroup[] {
  const raw = doc.meta[META_KEY];
  if (!Array.isArray(raw)) return [];
  const existing = new Set(doc.nodes.map((n) => n.id));
  const groups: EditorGroup[] = [];
  for (const g of raw as unknown[]) {
    if (typeof g !== 'object' || g === null) continue;
    const { id, label, nodeIds, collapsed } = g as Record<string, unknown>;
    if (typeof id !== 'string' || !Array.isArray(nodeIds)) continue;
    const members = nodeIds.filter((n): n is string => typeof n === 'string' && existing.has(n));
    if (members.length === 0) continue;
    groups.push({
      id,
      label: typeof label === 'string' ? label : id,
      nodeIds: members,
      ...(collapsed === true ? { collapsed: true } : {}),
    });
  }
  return groups;
}

function writeGroups(doc: GraphDocument, groups: EditorGroup[]): GraphDocument {
  const meta = { ...doc.meta };
  if (groups.length) meta[META_KEY] = groups;
  else delete meta[META_KEY];
  return { ...doc, meta };
}

/** Groups the nodes (taking them out of any other group); null for fewer than two nodes. */
export function groupNodes(
  doc: GraphDocument,
  ids: readonly string[],
  label?: string,
): { doc: GraphDocument; id: string } | null {
  const existing = new Set(doc.nodes.map((n) => n.id));
  const members = [...new Set(ids)].filter((id) => existing.has(id));
  if (members.length < 2) return null;
  const groups = readGroups(doc)
    .map((g) => ({ ...g, nodeIds: g.nodeIds.filter((n) => !members.includes(n)) }))
    .filter((g) => g.nodeIds.length > 0);
  const id = freshId('group', new Set(groups.map((g) => g.id)));
  const name = label ?? `Group ${id.slice('group_'.length)}`;
  return { doc: writeGroups(doc, [...groups, { id, label: name, nodeIds: members }]), id };
}

/** Removes the groups holding any of `nodeIds` (the layers stay). */
export function ungroupNodes(doc: GraphDocument, nodeIds: readonly string[]): GraphDocument {
  const groups = readGroups(doc);
  const kept = groups.filter((g) => !g.nodeIds.some((n) => nodeIds.includes(n)));
  return kept.length === groups.length ? doc : writeGroups(doc, kept);
}

export function setGroupCollapsed(doc: GraphDocument, groupId: string, collapsed: boolean): GraphDocument {
  const groups = readGroups(doc);
  if (!groups.some((g) => g.id === groupId)) return doc;
  return writeGroups(
    doc,
    groups.map((g) => {
      if (g.id !== groupId) return g;
      const { collapsed: _old, ...rest } = g;
      return collapsed ? { ...rest, collapsed: true } : rest;
    }),
  );
}

export function renameGroup(doc: GraphDocument, groupId: string, label: string): GraphDocument {
  const groups = readGroups(doc);
  return writeGroups(
    doc,
    groups.map((g) => (g.id === groupId ? { ...g, label } : g)),
  );
}
