/**
 * Makes the registry know the blocks people made. A document carries its definitions
 * (`blocks`), so whoever reads or analyzes one (the editor, the engine host, the CLI) hands
 * them here first; from then on validation, compile, training and the exporters know each
 * type through the registry like any built-in block.
 *
 * A definition that changed replaces the registered one (editing a definition updates every
 * instance); an unchanged one is kept, so analyzing the same document again costs a lookup.
 */
import { getNodeType, registerNodeType } from './registry';
import { userBlockNodeType, USER_BLOCK_PREFIX, type UserBlockDefinition } from './user-block';

const registered = new Map<
  string,
  { key: string; definition: UserBlockDefinition; unregister: () => void }
>();

/**
 * Registers (or re-registers, when changed) each definition as a node type. Types that do
 * not start with `user.` are ignored: a document cannot replace a built-in type.
 */
export function registerUserBlocks(definitions: readonly UserBlockDefinition[] | undefined): void {
  for (const definition of definitions ?? []) {
    if (!definition.type.startsWith(USER_BLOCK_PREFIX)) continue;
    const key = JSON.stringify(definition);
    const current = registered.get(definition.type);
    if (current?.key === key) continue;
    current?.unregister();
    registered.delete(definition.type);
    if (getNodeType(definition.type)) continue; // registered by someone else: leave it
    const unregister = registerNodeType(userBlockNodeType(definition, getNodeType));
    registered.set(definition.type, { key, definition, unregister });
  }
}

/** The definition registered for a user block type (the one last read or analyzed). */
export function registeredUserBlock(type: string): UserBlockDefinition | undefined {
  return registered.get(type)?.definition;
}

/** Forgets one user block type (a definition deleted from the library). */
export function unregisterUserBlock(type: string): void {
  registered.get(type)?.unregister();
  registered.delete(type);
}

/** True for a type id of a block a person made. */
export function isUserBlockType(type: string): boolean {
  return type.startsWith(USER_BLOCK_PREFIX);
}

/** What new node ids of a type start with: the type, without `user.` for a block of one's own. */
export function nodeIdPrefix(type: string): string {
  return isUserBlockType(type) ? type.slice(USER_BLOCK_PREFIX.length) : type;
}
