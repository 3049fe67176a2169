/**
 * Atomic file writes for files people keep: a reader (or a crash) sees the old content or
 * the new, never half a file. The data goes to a temporary sibling, is flushed to disk
 * (fsync), then renamed over the target; the directory is flushed so the rename survives
 * a power cut.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations used, injectable so tests can make one fail mid-write. */
export interface AtomicFileSystem {
  open(path: string, flags: string, mode?: number): Promise<{ writeFile(data: string | Uint8Array): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>;
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

/** Writes `data` to `path` atomically, creating the parent directory. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fsImpl: AtomicFileSystem = nodeFs): Promise<void> {
  const dir = dirname(path);
  await fsImpl.mkdir(dir, { recursive: true });
  // Hidden, unique, in the same directory (a rename across file systems is not atomic).
  const temporary = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fsImpl.open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(data);
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

/** Flushes a directory entry; some file systems refuse, which only weakens durability. */
async function syncDirectory(dir: string): Promise<void> {
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
