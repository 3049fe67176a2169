/**
 * File › Open Recent, kept in the app's user-data folder as a JSON list of paths.
 * Written atomically (temp file, then rename) so a crash never leaves half a list.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(list, null, 2));
    await rename(temp, file);
  };

  return {
    list: () => list,
    add: (filePath) => save(addRecentFile(list, filePath)),
    clear: () => save([]),
  };
}
