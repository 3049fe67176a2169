/**
 * File › Open Recent, kept in the app's user-data folder as a JSON list of paths.
 * Written with the engine's one atomic write (fsynced temp file, then rename), so a crash
 * never leaves half a list nor a stray temp file the engine would not recognise.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../engine/host/atomic-file';
import { addRecentFile, parseRecentFiles } from './project-files';

export interface RecentFilesStore {
  list(): readonly string[];
  add(filePath: string): Promise<void>;
  clear(): Promise<void>;
}

export async function openRecentFilesStore(
  file: string,
  onChange: (list: readonly string[]) => void,
): Promise<RecentFilesStore> {
  let list: string[] = [];
  try {
    list = parseRecentFiles(await readFile(file, 'utf8'));
  } catch {
    list = []; // no list yet
  }

  const save = async (next: string[]): Promise<void> => {
    list = next;
    onChange(list);
    await writeFileAtomic(file, JSON.stringify(list, null, 2));
  };

  return {
    list: () => list,
    add: (filePath) => save(addRecentFile(list, filePath)),
    clear: () => save([]),
  };
}
