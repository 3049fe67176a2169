/**
 * Project-file conventions of the desktop app: the dialog filters, the default save path,
 * and the list behind File › Open Recent. Pure functions; main.ts does the I/O.
 */
import path from 'node:path';

/** Project files are `*.cnn.json`; plain `*.json` graph files open too. */
export const projectExtension = '.cnn.json';

/** Filters for the native open and save dialogs (Electron takes extensions without the dot). */
export const projectFileFilters = [
  { name: 'CNN Studio project', extensions: ['cnn.json'] },
  { name: 'JSON', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

/** How many files File › Open Recent keeps. */
export const maxRecentFiles = 10;

/**
 * A file name for a suggested project name: characters that are unsafe in file names on
 * any OS become `-`, and `.cnn.json` is appended unless the name already ends in `.json`.
 */
export function projectFileName(name: string): string {
  const cleaned = Array.from(name.trim(), (char) => (char.charCodeAt(0) < 0x20 ? '-' : char))
    .join('')
    .replace(/[<>:"/\\|?*]+/g, '-')
    .replace(/^\.+/, '')
    .slice(0, 120);
  const base = cleaned === '' ? 'untitled' : cleaned;
  return base.toLowerCase().endsWith('.json') ? base : `${base}${projectExtension}`;
}

/** A chosen save path gets the project extension when the person typed none (GTK does not add it). */
export function withProjectExtension(filePath: string): string {
  return filePath.toLowerCase().endsWith('.json') ? filePath : `${filePath}${projectExtension}`;
}

/** The save dialog's default path: the suggested name in `directory`. */
export function defaultSavePath(directory: string, suggestedName: string): string {
  return path.join(directory, projectFileName(suggestedName));
}

/** The recent list after opening or saving `filePath`: it moves to the top, without duplicates. */
export function addRecentFile(list: readonly string[], filePath: string, max = maxRecentFiles): string[] {
  const resolved = path.resolve(filePath);
  return [resolved, ...list.filter((entry) => entry !== resolved)].slice(0, max);
}

/** Reads a stored recent list, keeping only absolute path strings; anything else yields `[]`. */
export function parseRecentFiles(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value
      .filter((entry): entry is string => typeof entry === 'string' && path.isAbsolute(entry))
      .slice(0, maxRecentFiles);
  } catch {
    return [];
  }
}

/** Project files named on the command line (a second instance, or "Open with"). */
export function projectPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv
    .filter((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith('.json'))
    .map((arg) => path.resolve(cwd, arg));
}
