/**
 * Project files on the engine's machine: list a folder, open (through the one graph
 * loader, so a bad file names its problem), save atomically, the recent list, and the
 * recovery copy the editor autosaves to.
 *
 * Relative paths are taken relative to the projects folder (`<dataDir>/projects`), and a
 * path that does not end in `.json` gets `.cnn.json` (as the desktop app's save dialog
 * does), so browser mode can offer a plain name field.
 *
 * Browser mode lets anyone with the session token call these, so they only ever touch
 * CNN Studio projects: a listing shows project files only, a save refuses to replace a
 * file that is not a project unless the editor passes `overwrite` (after asking), and an
 * error about a file that is not a project never quotes its contents.
 */
import { open as openFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { GraphDocument } from '../graph/document';
import { GRAPH_FORMAT } from '../graph/document';
import { GraphLoadError } from '../graph/errors';
import { loadGraphDocument } from '../graph/load';
import { serializeGraphDocument } from '../graph/serialize';
import type { OpenedProject, ProjectFileInfo, SaveProjectOptions } from '../protocol/api';
import { EngineError } from '../protocol/errors';
import { writeFileAtomic } from './atomic-file';

/** The extension given to a project path that does not end in `.json`. */
export const PROJECT_EXTENSION = '.cnn.json';

/** The error name of a refused save over a file that is not a CNN Studio project. */
export const NOT_A_PROJECT = 'NotAProject';
/** How many recent projects are remembered. */
export const RECENT_LIMIT = 10;
/** Project files larger than this are refused rather than read into memory. */
export const MAX_PROJECT_BYTES = 64 * 1024 * 1024;

export interface ProjectStore {
  readonly projectsDir: string;
  list(directory?: string): Promise<{ directory: string; files: ProjectFileInfo[] }>;
  open(path: string): Promise<OpenedProject>;
  save(path: string, document: GraphDocument, options?: SaveProjectOptions): Promise<ProjectFileInfo>;
  recent(): Promise<ProjectFileInfo[]>;
  saveRecovery(document: GraphDocument): Promise<void>;
  loadRecovery(): Promise<GraphDocument | null>;
  clearRecovery(): Promise<void>;
}

/** Project files kept under `dataDir` (projects folder, `recent.json`, `recovery.json`). */
export function createProjectStore(options: {
  dataDir: string;
  log?: (message: string) => void;
}): ProjectStore {
  const projectsDir = join(options.dataDir, 'projects');
  const recentFile = join(options.dataDir, 'recent.json');
  const recoveryFile = join(options.dataDir, 'recovery.json');
  const log = options.log ?? (() => {});
  // Recent-list updates run one after another so two saves can't drop each other's entry.
  let recentQueue: Promise<unknown> = Promise.resolve();

  const toPath = (path: string): string => {
    if (path.trim() === '')
      throw new EngineError('BadArguments', 'a project path is required (got an empty string)');
    if (/[\\/]$/.test(path) || /(^|[\\/])\.\.?$/.test(path)) {
      throw new EngineError(
        'BadArguments',
        `'${path}' names a folder; a project path must end in a file name`,
      );
    }
    const absolute = isAbsolute(path) ? path : insideProjectsDir(path);
    return absolute.toLowerCase().endsWith('.json') ? absolute : `${absolute}${PROJECT_EXTENSION}`;
  };

  /** A relative name is a name in the projects folder: `..` may not lead out of it. */
  const insideProjectsDir = (path: string): string => {
    const absolute = resolve(projectsDir, path);
    const within = relative(projectsDir, absolute);
    if (within === '' || within.startsWith('..') || isAbsolute(within)) {
      throw new EngineError(
        'BadArguments',
        `'${path}' leads out of the projects folder; give a full path to use another folder`,
      );
    }
    return absolute;
  };

  const readRecentPaths = async (): Promise<string[]> => {
    try {
      const parsed = JSON.parse(await readFile(recentFile, 'utf8')) as unknown;
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return []; // missing or damaged: start a fresh list rather than fail the editor
    }
  };

  const remember = (path: string) => {
    const update = recentQueue.then(async () => {
      const paths = [path, ...(await readRecentPaths()).filter((p) => p !== path)].slice(0, RECENT_LIMIT);
      await writeFileAtomic(recentFile, `${JSON.stringify(paths, null, 2)}\n`);
    });
    recentQueue = update.catch((error: unknown) => log(`could not update the recent list: ${String(error)}`));
    return recentQueue;
  };

  return {
    projectsDir,

    async list(directory) {
      const dir = directory ? resolve(projectsDir, directory) : projectsDir;
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if (!directory && (error as NodeJS.ErrnoException).code === 'ENOENT')
          return { directory: dir, files: [] };
        throw new EngineError('ProjectError', `cannot list '${dir}': ${reason(error)}`);
      }
      const candidates = names.filter((n) => n.toLowerCase().endsWith('.json') && !n.startsWith('.'));
      const infos = await Promise.all(
        candidates.map(async (n) => ((await isProjectFile(join(dir, n))) ? fileInfo(join(dir, n)) : null)),
      );
      const files = infos
        .filter((f): f is ProjectFileInfo => f !== null)
        .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
      return { directory: dir, files };
    },

    async open(path) {
      const file = toPath(path);
      let text: string;
      try {
        const info = await stat(file);
        if (info.size > MAX_PROJECT_BYTES)
          throw new Error(`it is ${info.size} bytes, more than the ${MAX_PROJECT_BYTES}-byte limit`);
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new EngineError('ProjectError', `cannot open '${file}': ${reason(error)}`);
      }
      // Only a file that says it is ours gets the loader's detailed (quoting) messages.
      if (!looksLikeProject(text)) throw notAProject(file, 'cannot be opened');
      let document: GraphDocument;
      try {
        document = loadGraphDocument(text);
      } catch (error) {
        if (error instanceof GraphLoadError)
          throw new GraphLoadError(`'${file}' is not a valid project: ${error.message}`, error.path);
        throw error;
      }
      await remember(file);
      return { path: file, document };
    },

    async save(path, document, saveOptions = {}) {
      const file = toPath(path);
      // Through the loader first: a bad document is refused with the field named, never written.
      const checked = loadGraphDocument(document);
      await assertReplaceable(file, saveOptions.overwrite === true);
      try {
        await writeFileAtomic(file, serializeGraphDocument(checked));
      } catch (error) {
        throw new EngineError('ProjectError', `cannot save '${file}': ${reason(error)}`);
      }
      await remember(file);
      const info = await fileInfo(file);
      if (!info) throw new EngineError('ProjectError', `saved '${file}' but cannot read it back`);
      return info;
    },

    async recent() {
      await recentQueue;
      const infos = await Promise.all((await readRecentPaths()).map(fileInfo));
      return infos.filter((f): f is ProjectFileInfo => f !== null); // files deleted since are left out
    },

    async saveRecovery(document) {
      await writeFileAtomic(recoveryFile, serializeGraphDocument(loadGraphDocument(document)));
    },

    async loadRecovery() {
      let text: string;
      try {
        text = await readFile(recoveryFile, 'utf8');
      } catch {
        return null;
      }
      try {
        return loadGraphDocument(text);
      } catch (error) {
        // A damaged recovery copy must not block the editor from starting.
        log(`ignoring the damaged recovery file ${recoveryFile}: ${reason(error)}`);
        return null;
      }
    },

    async clearRecovery() {
      await rm(recoveryFile, { force: true });
    },
  };
}

/** How much of a file is read to tell whether it is a project (the format tag comes first). */
const SNIFF_BYTES = 4096;

/** Whether text starts like a CNN Studio graph file: a JSON object with our format tag. */
function looksLikeProject(text: string): boolean {
  const head = text.slice(0, SNIFF_BYTES).replace(/^\uFEFF/, '');
  return /^\s*\{/.test(head) && new RegExp(`"format"\\s*:\\s*"${GRAPH_FORMAT}"`).test(head);
}

/** Whether `path` is a regular file that starts like a CNN Studio project (reads its first few KiB). */
async function isProjectFile(path: string): Promise<boolean> {
  try {
    const handle = await openFile(path, 'r');
    try {
      if (!(await handle.stat()).isFile()) return false;
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      return looksLikeProject(buffer.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * Refuses to save over anything but a CNN Studio project (or nothing), unless `overwrite`
 * says the person agreed to replace a file. Folders are never replaced.
 */
async function assertReplaceable(file: string, overwrite: boolean): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new EngineError('ProjectError', `cannot save '${file}': ${reason(error)}`);
  }
  if (!info.isFile()) throw new EngineError('ProjectError', `cannot save '${file}': it is not a file`);
  if (!overwrite && !(await isProjectFile(file))) throw notAProject(file, 'was not replaced');
}

/** The error for a file that is not a project: names the file, never quotes it. */
function notAProject(file: string, outcome: string): EngineError {
  return new EngineError(NOT_A_PROJECT, `'${file}' is not a CNN Studio project, so it ${outcome}`, {
    path: file,
  });
}

async function fileInfo(path: string): Promise<ProjectFileInfo | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    const file = basename(path);
    const name = file.endsWith(PROJECT_EXTENSION)
      ? file.slice(0, -PROJECT_EXTENSION.length)
      : basename(file, '.json');
    return { path, name, modifiedAt: info.mtime.toISOString() };
  } catch {
    return null;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOTDIR') return 'not a folder';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'ENAMETOOLONG') return 'the name is too long';
  // Node's own messages name internal paths (our temporary file): give the code only.
  if (code) return `the system refused (${code})`;
  return error instanceof Error ? error.message : String(error);
}
