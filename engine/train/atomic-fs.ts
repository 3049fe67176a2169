/**
 * Atomic writes: a reader sees the old content or the new, never half a file. Files are
 * written to a temporary sibling and renamed; directories are filled under a temporary
 * name and swapped in with two renames (`readDirWithFallback` covers the moment between them).
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;

/** Writes `data` to `path` via a temporary file and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${counter++}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Fills a fresh directory with `fill` and puts it in place of `dir` (if any). */
export async function replaceDirAtomic(
  dir: string,
  fill: (temporaryDir: string) => Promise<void>,
): Promise<void> {
  const partial = `${dir}.partial`;
  const old = `${dir}.old`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await fill(partial);
  await rm(old, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, old);
  await rename(partial, dir);
  await rm(old, { recursive: true, force: true });
}

/** `dir`, or the previous copy `replaceDirAtomic` left when interrupted between its renames. */
export async function readableDir(dir: string): Promise<string | null> {
  if (await exists(dir)) return dir;
  if (await exists(`${dir}.old`)) return `${dir}.old`;
  return null;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
