/**
 * The engine's one atomic file write, for every file it keeps (projects, the recent list,
 * run records, dataset caches and index): a reader (or a crash) sees the old content or the
 * new, never half a file.
 *
 * The data goes to a temporary sibling named with our pattern (`.<name>.cnnstudio-tmp-<pid>-<random>`),
 * is flushed to disk (fsync), then renamed over the target; the folder is flushed so the
 * rename survives a power cut. On failure the temporary file is removed. A process killed
 * mid-write leaves its temporary behind: `removeStaleTemporaries` clears those at engine
 * start, recognising ours by the pattern and a dead writer process.
 *
 * Folders (checkpoints, trained models) are replaced whole by `replaceDirAtomic`: filled
 * under `<dir>.partial`, flushed, and swapped in with two renames (`readableDir` covers the
 * moment between them). A folder is only ever replaced when it is ours: `OwnedDirRules` say
 * which file names we write there and how to recognise our folder, and nothing else is ever
 * removed — a folder holding anything else is refused with a `ForeignContentError` naming
 * what is there.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import { lstat, mkdir, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations used, injectable so tests can make one fail mid-write. */
export interface AtomicFileSystem {
  open(
    path: string,
    flags: string,
    mode?: number,
  ): Promise<{
    writeFile(data: string | Uint8Array): Promise<void>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

const nodeFs: AtomicFileSystem = {
  open: (path, flags, mode) => fs.open(path, flags, mode),
  rename: fs.rename,
  rm: fs.rm,
  mkdir: fs.mkdir,
};

/** What `writeFileAtomic` writes: text, bytes, or several byte chunks written one after another. */
export type AtomicFileData = string | Uint8Array | readonly Uint8Array[];

/** The mark in every temporary file name the engine writes. */
const TEMPORARY_MARK = 'cnnstudio-tmp';

/** `.<target name>.cnnstudio-tmp-<writer pid>-<12 hex digits>` */
const TEMPORARY_NAME = new RegExp(`^\\..+\\.${TEMPORARY_MARK}-(\\d+)-[0-9a-f]{12}$`);

/**
 * Temporary names written by releases before this module was the only writer (project
 * saves: `.<name>.<12 hex>.tmp`; run records: `<name>.tmp-<pid>-<n>`; dataset caches and
 * index: `<name>.<pid>.<ms>.tmp`). The first carries no writer pid, so only old ones go.
 */
const LEGACY_TEMPORARY_NAMES: ReadonlyArray<{ pattern: RegExp; pidGroup?: number }> = [
  { pattern: /^\..+\.[0-9a-f]{12}\.tmp$/ },
  { pattern: /^.+\.tmp-(\d+)-\d+$/, pidGroup: 1 },
  { pattern: /^.+\.(\d+)\.\d{13}\.tmp$/, pidGroup: 1 },
];

/** A legacy temporary without a writer pid is removed once it is this old (no save takes an hour). */
const LEGACY_STALE_MS = 60 * 60 * 1000;

/** The temporary sibling `writeFileAtomic` writes `path`'s new content to. */
export function temporaryPathFor(path: string): string {
  // Hidden, unique, in the same folder (a rename across file systems is not atomic).
  return join(
    dirname(path),
    `.${basename(path)}.${TEMPORARY_MARK}-${process.pid}-${randomBytes(6).toString('hex')}`,
  );
}

/** Whether a file name is one of our temporary files (this release's pattern). */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/** Writes `data` to `path` atomically, creating the parent folder. */
export async function writeFileAtomic(
  path: string,
  data: AtomicFileData,
  fsImpl: AtomicFileSystem = nodeFs,
): Promise<void> {
  const dir = dirname(path);
  await fsImpl.mkdir(dir, { recursive: true });
  const temporary = temporaryPathFor(path);
  try {
    const handle = await fsImpl.open(temporary, 'wx', 0o644);
    try {
      // Successive writeFile calls on one handle append (they continue from the current position).
      for (const chunk of typeof data === 'string' || data instanceof Uint8Array ? [data] : data)
        await handle.writeFile(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsImpl.rename(temporary, path);
  } catch (error) {
    await fsImpl.rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/** Flushes a folder entry; some file systems refuse, which only weakens durability. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported here (e.g. some network file systems); the rename is still atomic
  }
}

export interface StaleTemporaryOptions {
  /** How many folder levels below `root` are searched (default 4: `runs/<id>/checkpoint/…`). */
  maxDepth?: number;
  /** Whether a process id is running (default: `process.kill(pid, 0)`). */
  isRunning?: (pid: number) => boolean;
  /** The current time in ms (tests). */
  now?: number;
}

/**
 * Removes the temporary files a killed write left under `root` (a folder the engine owns,
 * i.e. its data folder): only names matching our pattern whose writer process is gone
 * (never this process's or another running engine's in-flight writes). Symbolic links are
 * not followed. Returns the removed paths; a folder it cannot read is skipped.
 */
export async function removeStaleTemporaries(
  root: string,
  options: StaleTemporaryOptions = {},
): Promise<string[]> {
  const maxDepth = options.maxDepth ?? 4;
  const isRunning = options.isRunning ?? processIsRunning;
  const now = options.now ?? Date.now();
  const removed: string[] = [];

  const isStale = async (name: string, path: string): Promise<boolean> => {
    const ours = TEMPORARY_NAME.exec(name);
    if (ours) return !writerMayBeAlive(Number(ours[1]), isRunning);
    for (const { pattern, pidGroup } of LEGACY_TEMPORARY_NAMES) {
      const match = pattern.exec(name);
      if (!match) continue;
      if (pidGroup !== undefined) return !writerMayBeAlive(Number(match[pidGroup]), isRunning);
      const info = await fs.lstat(path).catch(() => null);
      return info !== null && now - info.mtimeMs > LEGACY_STALE_MS;
    }
    return false;
  };

  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // missing or unreadable: nothing of ours to clean there
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth) await visit(path, depth + 1);
      } else if (entry.isFile() && (await isStale(entry.name, path))) {
        await fs.rm(path, { force: true }).then(
          () => removed.push(path),
          () => {}, // gone meanwhile or not ours to remove: leave it
        );
      }
    }
  };

  await visit(root, 0);
  return removed;
}

function writerMayBeAlive(pid: number, isRunning: (pid: number) => boolean): boolean {
  return pid === process.pid || isRunning(pid);
}

function processIsRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, belongs to someone else
  }
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
  // On disk before the swap, as writeFileAtomic does for one file.
  await syncFiles(partial, rules.files);
  await syncDirectory(partial);
  await removeOwnedDir(old, rules.files);
  if (await exists(dir)) await rename(dir, old);
  await rename(partial, dir);
  await syncDirectory(dirname(dir));
  await removeOwnedDir(old, rules.files);
}

/** Flushes those of `files` that exist in `dir`. */
async function syncFiles(dir: string, files: readonly string[]): Promise<void> {
  for (const name of files) {
    let handle;
    try {
      handle = await fs.open(join(dir, name), 'r');
    } catch {
      continue; // not written this time
    }
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
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
