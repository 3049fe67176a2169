/**
 * The palette entries of blocks people made: the open document's definitions and the
 * library's, each a registered node type like any built-in (engine/nodes/user-block-registry.ts).
 */
import { useMemo } from 'react';
import { getNodeType } from '../../../engine/nodes/registry';
import type { NodeTypeDefinition } from '../../../engine/nodes/types';
import type { UserBlockDefinition } from '../../../engine/nodes/user-block';
import { registerUserBlocks } from '../../../engine/nodes/user-block-registry';
import { useBlockLibrary } from '../store/block-library';
import { useEditor } from '../store/editor-store';

/** Node types of the document's blocks, then the library's not in the document, by label. */
export function userBlockTypes(
  documentBlocks: readonly UserBlockDefinition[] | undefined,
  library: readonly UserBlockDefinition[],
): NodeTypeDefinition[] {
  const inDocument = new Set((documentBlocks ?? []).map((b) => b.type));
  const definitions = [...(documentBlocks ?? []), ...library.filter((b) => !inDocument.has(b.type))];
  registerUserBlocks(definitions);
  return definitions
    .map((b) => getNodeType(b.type))
    .filter((def): def is NodeTypeDefinition => def !== undefined)
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** React hook: the user block types the palette and the add menu list. */
export function useUserBlockTypes(): NodeTypeDefinition[] {
  const blocks = useEditor((s) => s.doc.blocks);
  const library = useBlockLibrary((s) => s.definitions);
  return useMemo(() => userBlockTypes(blocks, library), [blocks, library]);
}
