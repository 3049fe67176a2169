import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isTemporaryName,
  removeStaleTemporaries,
  temporaryPathFor,
  writeFileAtomic,
  type AtomicFileSystem,
} from './atomic-file';

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
    await expect(writeFileAtomic(file, 'new content that will not fit', failingMidWrite)).rejects.toThrow(
      'ENOSPC',
    );
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['project.json']);
  });

  it('leaves the old file intact when the rename fails', async () => {
    const file = join(dir, 'project.json');
    await writeFile(file, 'old content');
    const failingRename: AtomicFileSystem = {
      ...failingMidWrite,
      open: (p, f, m) => fs.open(p, f, m),
      rename: async () => Promise.reject(new Error('EXDEV')),
    };
    await expect(writeFileAtomic(file, 'new', failingRename)).rejects.toThrow('EXDEV');
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['project.json']);
  });
});

describe('writeFileAtomic with chunks', () => {
  it('writes byte chunks one after another', async () => {
    const file = join(dir, 'cache.bin');
    await writeFileAtomic(file, [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5])]);
    expect([...(await readFile(file))]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('removeStaleTemporaries', () => {
  const dead = 999_999_999;
  const isRunning = (pid: number) => pid !== dead;
  /** A temporary file as a killed writer with `pid` would have left it. */
  const leftover = async (folder: string, target: string, pid: number) => {
    const path = temporaryPathFor(join(folder, target)).replace(`-${process.pid}-`, `-${pid}-`);
    await mkdir(folder, { recursive: true });
    await writeFile(path, ''); // a kill -9 after open leaves zero bytes
    return path;
  };

  it('names temporaries recognisably', () => {
    const name = temporaryPathFor('/data/projects/net.cnn.json').split('/').pop()!;
    expect(name).toMatch(new RegExp(`^\\.net\\.cnn\\.json\\.cnnstudio-tmp-${process.pid}-[0-9a-f]{12}$`));
    expect(isTemporaryName(name)).toBe(true);
    expect(isTemporaryName('net.cnn.json')).toBe(false);
    expect(isTemporaryName('.net.cnn.json.tmp')).toBe(false);
  });

  it("removes a killed writer's leftovers in every folder below the data folder, and nothing else", async () => {
    const projects = join(dir, 'projects');
    const runs = join(dir, 'runs', 'run-1');
    const stale = [await leftover(projects, 'a.cnn.json', dead), await leftover(runs, 'run.json', dead)];
    const live = await leftover(projects, 'b.cnn.json', 4242); // another engine is writing it now
    const mine = temporaryPathFor(join(projects, 'c.cnn.json')); // this process, mid-write
    await writeFile(mine, '');
    const keep = ['a.cnn.json', 'notes.tmp', '.hidden', 'x.cnnstudio-tmp-1-abc'].map((n) =>
      join(projects, n),
    );
    for (const file of keep) await writeFile(file, 'mine, not yours');

    const removed = await removeStaleTemporaries(dir, { isRunning });

    expect(removed.sort()).toEqual(stale.sort());
    expect((await readdir(projects)).sort()).toEqual(
      [
        'a.cnn.json',
        'notes.tmp',
        '.hidden',
        'x.cnnstudio-tmp-1-abc',
        live.split('/').pop()!,
        mine.split('/').pop()!,
      ].sort(),
    );
    expect(await readdir(runs)).toEqual([]);
  });

  it('removes legacy temporaries: by dead writer pid, or by age when the name has none', async () => {
    const legacyProject = join(dir, '.net.cnn.json.0123456789ab.tmp');
    const freshLegacy = join(dir, '.other.cnn.json.0123456789ab.tmp');
    const legacyRecord = join(dir, `run.json.tmp-${dead}-3`);
    const legacyCache = join(dir, `fashion.bin.${dead}.1764582000000.tmp`);
    for (const file of [legacyProject, freshLegacy, legacyRecord, legacyCache]) await writeFile(file, '');
    const twoHoursAgo = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    await utimes(legacyProject, twoHoursAgo, twoHoursAgo);

    const removed = await removeStaleTemporaries(dir, { isRunning });

    expect(removed.sort()).toEqual([legacyProject, legacyRecord, legacyCache].sort());
    expect(await readdir(dir)).toEqual(['.other.cnn.json.0123456789ab.tmp']);
  });

  it('does not follow symbolic links out of the data folder', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'cnn-outside-'));
    try {
      const theirs = await leftover(outside, 'x.json', dead);
      await symlink(outside, join(dir, 'link'));
      expect(await removeStaleTemporaries(dir, { isRunning })).toEqual([]);
      expect(await readdir(outside)).toEqual([theirs.split('/').pop()]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('one atomic write for the engine', () => {
  it('is the only engine module that renames files into place (no hand-rolled temp-and-rename writers)', async () => {
    const engineDir = fileURLToPath(new URL('..', import.meta.url));
    const offenders: string[] = [];
    const visit = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await visit(path);
        else if (
          entry.name.endsWith('.ts') &&
          !entry.name.includes('.test.') &&
          !path.endsWith(join('host', 'atomic-file.ts'))
        ) {
          if (/\brename(Sync)?\(/.test(await readFile(path, 'utf8')))
            offenders.push(relative(engineDir, path));
        }
      }
    };
    await visit(engineDir);
    expect(offenders).toEqual([]);
  });
});
