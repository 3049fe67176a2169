/**
 * Atomic writes: a reader sees the old content or the new, never half a file. Files are
 * written to a temporary sibling and renamed; directories are filled under a temporary
 * name and swapped in with two renames (`readableDir` covers the moment between them).
 *
 * Directories are only ever replaced when they are ours: `OwnedDirRules` say which file
 * names we write there and how to recognise our folder, and nothing else is ever removed —
 * a folder holding anything else is refused with a `ForeignContentError` naming what is there.
 */
import { lstat, mkdir, readdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

let counter = 0;

/** Writes `data` to `path` via a temporary file and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${counter++}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** What a directory we replace must hold for us to touch it. */
export interface OwnedDirRules {
  /** How messages name the folder, e.g. `the checkpoint folder`. */
  what: string;
  /** The file names we write into it: the only entries we ever remove. */
  files: readonly string[];
  /**
   * Whether a non-empty folder holding only `files` is really ours (e.g. its state file
   * carries our format tag). Default: the file names suffice. Also asked about a leftover
   * `.partial` sibling, so `fill` should write the file this checks first.
   */
  isOurs?: (dir: string) => Promise<boolean>;
}

/** A folder we were asked to write holds things we did not write; nothing was changed. */
export class ForeignContentError extends Error {
  constructor(
    message: string,
    /** The path at fault. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'ForeignContentError';
  }
}

/** How many entries of a foreign folder a message names before summing up the rest. */
const LISTED_ENTRIES = 5;

/**
 * Throws `ForeignContentError` unless `dir` is absent, an empty folder, or a folder of ours
 * (only `rules.files`, and `rules.isOurs` agrees). Also checks the `.partial` / `.old`
 * siblings `replaceDirAtomic` uses, which an interrupted replace may have left.
 */
export async function assertReplaceable(dir: string, rules: OwnedDirRules): Promise<void> {
  await assertOurs(dir, rules, null);
  await assertOurs(`${dir}.partial`, rules, dir);
  await assertOurs(`${dir}.old`, rules, dir);
}

/**
 * Fills a fresh directory with `fill` and puts it in place of `dir`, which must be absent,
 * empty or ours (see `assertReplaceable`). Only `rules.files` are ever removed.
 */
export async function replaceDirAtomic(
  dir: string,
  rules: OwnedDirRules,
  fill: (temporaryDir: string) => Promise<void>,
): Promise<void> {
  await assertReplaceable(dir, rules);
  const partial = `${dir}.partial`;
  const old = `${dir}.old`;
  await removeOwnedDir(partial, rules.files);
  await mkdir(partial, { recursive: true });
  await fill(partial);
  await removeOwnedDir(old, rules.files);
  if (await exists(dir)) await rename(dir, old);
  await rename(partial, dir);
  await removeOwnedDir(old, rules.files);
}

/** `dir`, or the previous copy `replaceDirAtomic` left when interrupted between its renames. */
export async function readableDir(dir: string): Promise<string | null> {
  if (await exists(dir)) return dir;
  if (await exists(`${dir}.old`)) return `${dir}.old`;
  return null;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the files named `files` from `dir`, then `dir` itself if that left it empty.
 * Anything else in it stays where it is (and so does the folder).
 */
async function removeOwnedDir(dir: string, files: readonly string[]): Promise<void> {
  if (!(await exists(dir))) return;
  for (const name of files) await unlink(join(dir, name)).catch(ignoreMissing);
  await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') ignoreMissing(error);
  });
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

/** `siblingOf`: the target folder when `path` is one of its `.partial` / `.old` siblings. */
async function assertOurs(path: string, rules: OwnedDirRules, siblingOf: string | null): Promise<void> {
  const name = siblingOf ? `${path} (next to ${rules.what} ${siblingOf})` : `${rules.what} ${path}`;
  const refuse = (problem: string) =>
    new ForeignContentError(`${name} ${problem}: choose a new or empty folder — nothing was changed`, path);
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (info.isSymbolicLink()) throw refuse('is a symbolic link, not a folder');
  if (!info.isDirectory()) throw refuse('is a file, not a folder');
  const entries = await readdir(path, { withFileTypes: true });
  if (entries.length === 0) return;
  const foreign = entries.filter((entry) => !entry.isFile() || !rules.files.includes(entry.name));
  const ours = foreign.length === 0 && (!rules.isOurs || (await rules.isOurs(path)));
  if (ours) return;
  const shown = (foreign.length > 0 ? foreign : entries)
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
  const listed = shown.slice(0, LISTED_ENTRIES).join(', ');
  const more = shown.length > LISTED_ENTRIES ? ` and ${shown.length - LISTED_ENTRIES} more` : '';
  throw refuse(`holds files CNN Studio did not write (${listed}${more})`);
}
