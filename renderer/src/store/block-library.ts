/**
 * The person's library of blocks: definitions kept across projects in `<dataDir>/blocks.json`
 * (read and written by the engine host, atomically). Making a block adds it here as well as
 * to the document; placing a library block copies its definition into the document, so a
 * project file always carries the definitions it uses.
 */
import { create } from 'zustand';
import type { UserBlockDefinition } from '../../../engine/nodes/user-block';
import { registerUserBlocks } from '../../../engine/nodes/user-block-registry';
import type { EngineClient } from '../../../engine/protocol/rpc';
import { onEngineConnected } from '../engine/connection';

interface LibraryState {
  definitions: UserBlockDefinition[];
  /** Why the library could not be read or written, for a person; null when fine. */
  problem: string | null;
}

export const useBlockLibrary = create<LibraryState>(() => ({ definitions: [], problem: null }));

let client: EngineClient | null = null;

/** Reads the library through the engine (called on every engine connection). */
export async function loadBlockLibrary(engine: EngineClient): Promise<void> {
  client = engine;
  try {
    const definitions = await engine.listUserBlocks();
    registerUserBlocks(definitions);
    useBlockLibrary.setState({ definitions, problem: null });
  } catch (error) {
    useBlockLibrary.setState({
      problem: `Your block library could not be read: ${(error as Error).message}`,
    });
  }
}

/** Adds or replaces a definition in the library and saves it; resolves with a problem, if any. */
export async function saveToLibrary(definition: UserBlockDefinition): Promise<string | null> {
  const current = useBlockLibrary.getState().definitions;
  const definitions = [...current.filter((d) => d.type !== definition.type), definition];
  useBlockLibrary.setState({ definitions });
  registerUserBlocks([definition]);
  if (!client) return 'not connected to the engine: the block is in this project only';
  try {
    await client.saveUserBlocks(definitions);
    return null;
  } catch (error) {
    const problem = `Your block library could not be saved: ${(error as Error).message}`;
    useBlockLibrary.setState({ problem });
    return problem;
  }
}

/**
 * Removes a definition from the library and saves it; projects that use the block keep their
 * own copy. Resolves with a problem, if any.
 */
export async function removeFromLibrary(type: string): Promise<string | null> {
  const definitions = useBlockLibrary.getState().definitions.filter((d) => d.type !== type);
  useBlockLibrary.setState({ definitions });
  if (!client) return 'not connected to the engine: the library file is unchanged';
  try {
    await client.saveUserBlocks(definitions);
    return null;
  } catch (error) {
    const problem = `Your block library could not be saved: ${(error as Error).message}`;
    useBlockLibrary.setState({ problem });
    return problem;
  }
}

/** The library's definition of a type, if it has one. */
export function libraryDefinition(type: string): UserBlockDefinition | undefined {
  return useBlockLibrary.getState().definitions.find((d) => d.type === type);
}

/** Reads the library on every engine connection; returns the function that stops it. */
export function startBlockLibrary(): () => void {
  return onEngineConnected((engine) => void loadBlockLibrary(engine));
}
