import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, type AtomicFileSystem } from './atomic-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Real file system whose writes put half the data on disk and then fail (a full disk). */
const failingMidWrite: AtomicFileSystem = {
  open: async (path, flags, mode) => {
    const handle = await fs.open(path, flags, mode);
    return {
      writeFile: async (data) => {
        await handle.writeFile(String(data).slice(0, 3));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename: fs.rename,
  rm: fs.rm,
  mkdir: fs.mkdir,
};

describe('writeFileAtomic', () => {
  it('writes new files and replaces old ones, creating folders', async () => {
    const file = join(dir, 'a', 'b', 'project.json');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second');
    expect(await readFile(file, 'utf8')).toBe('second');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['project.json']); // no temp files left
  });

  it('leaves the old file intact and no temp file when the write fails midway', async () => {
    const file = join(dir, 'project.json');
    await writeFile(file, 'old content');
    await expect(writeFileAtomic(file, 'new content that will not fit', failingMidWrite)).rejects.toThrow('ENOSPC');
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['project.json']);
  });

  it('leaves the old file intact when the rename fails', async () => {
    const file = join(dir, 'project.json');
    await writeFile(file, 'old content');
    const failingRename: AtomicFileSystem = { ...failingMidWrite, open: (p, f, m) => fs.open(p, f, m), rename: async () => Promise.reject(new Error('EXDEV')) };
    await expect(writeFileAtomic(file, 'new', failingRename)).rejects.toThrow('EXDEV');
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['project.json']);
  });
});
