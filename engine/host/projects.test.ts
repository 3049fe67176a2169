import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../graph/document';
import { createProjectStore, RECENT_LIMIT } from './projects';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-projects-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function doc(name: string): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: [
      { id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 }, position: { x: 0, y: 0 } },
    ],
    edges: [],
    training: { ...DEFAULT_TRAINING },
    layout: { direction: 'LR' },
    meta: {},
  };
}

describe('project store', () => {
  it('saves, lists and reopens a project; relative names go to the projects folder', async () => {
    const store = createProjectStore({ dataDir });
    expect(await store.list()).toEqual({ directory: join(dataDir, 'projects'), files: [] });
    const saved = await store.save('my net', doc('My net'));
    expect(saved.path).toBe(join(dataDir, 'projects', 'my net.cnn.json'));
    expect(saved.name).toBe('my net');
    const listed = await store.list();
    expect(listed.files.map((f) => f.name)).toEqual(['my net']);
    const opened = await store.open(saved.path);
    expect(opened.document.name).toBe('My net');
    expect(opened.document.nodes[0].params).toEqual({ height: 28, width: 28, channels: 1 });
  });

  it('names the problem when a file is not a valid project, and when it is missing', async () => {
    const store = createProjectStore({ dataDir });
    const bad = join(dataDir, 'bad.json');
    await writeFile(bad, '{"format":"something-else"}');
    await expect(store.open(bad)).rejects.toThrow(
      `'${bad}' is not a CNN Studio project, so it cannot be opened`,
    );
    await expect(store.open(join(dataDir, 'nope.json'))).rejects.toThrow('no such file');
    await writeFile(bad, '{"format": "cnn-studio-graph", "version": 1, "nam');
    await expect(store.open(bad)).rejects.toMatchObject({
      name: 'GraphLoadError',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('refuses to save an invalid document and keeps the file on disk', async () => {
    const store = createProjectStore({ dataDir });
    const saved = await store.save('keep', doc('Keep me'));
    const before = await readFile(saved.path, 'utf8');
    await expect(
      store.save('keep', { ...doc('x'), nodes: 'oops' } as unknown as GraphDocument),
    ).rejects.toThrow(/nodes/);
    expect(await readFile(saved.path, 'utf8')).toBe(before);
  });

  it('keeps a recent list, most recent first, without duplicates or deleted files, persisted', async () => {
    const store = createProjectStore({ dataDir });
    const a = await store.save('a', doc('a'));
    const b = await store.save('b', doc('b'));
    await store.open(a.path);
    expect((await store.recent()).map((f) => f.name)).toEqual(['a', 'b']);
    await rm(b.path);
    const reopened = createProjectStore({ dataDir });
    expect((await reopened.recent()).map((f) => f.name)).toEqual(['a']);
    for (let i = 0; i < RECENT_LIMIT + 3; i++) await reopened.save(`p${i}`, doc(`p${i}`));
    const recent = await reopened.recent();
    expect(recent).toHaveLength(RECENT_LIMIT);
    expect(recent[0].name).toBe(`p${RECENT_LIMIT + 2}`);
  });

  it('lists other folders sorted by modification time, skipping non-projects', async () => {
    const store = createProjectStore({ dataDir });
    const folder = join(dataDir, 'elsewhere');
    await mkdir(folder);
    await store.save(join(folder, 'old.json'), doc('old'));
    await store.save(join(folder, 'new.cnn.json'), doc('new'));
    await writeFile(join(folder, 'notes.txt'), 'x');
    await writeFile(join(folder, 'package.json'), '{"name": "not a model"}');
    await writeFile(join(folder, 'fake.cnn.json'), 'secret');
    await utimes(join(folder, 'old.json'), new Date(2020, 1, 1), new Date(2020, 1, 1));
    expect((await store.list(folder)).files.map((f) => f.name)).toEqual(['new', 'old']);
    await expect(store.list(join(dataDir, 'missing'))).rejects.toThrow('no such file or folder');
  });

  it('saves, loads and clears the recovery copy; a damaged one is ignored', async () => {
    const store = createProjectStore({ dataDir });
    expect(await store.loadRecovery()).toBeNull();
    await store.saveRecovery(doc('unsaved work'));
    expect((await store.loadRecovery())?.name).toBe('unsaved work');
    await store.clearRecovery();
    expect(await store.loadRecovery()).toBeNull();
    await store.clearRecovery(); // clearing twice is fine
    await writeFile(join(dataDir, 'recovery.json'), '{"format":"cnn-studio-graph", "ver');
    const logs: string[] = [];
    expect(await createProjectStore({ dataDir, log: (m) => logs.push(m) }).loadRecovery()).toBeNull();
    expect(logs[0]).toContain('damaged recovery file');
  });

  it("refuses to save over a file that is not a project unless told to overwrite (was: saveProject('/x/important.txt') replaced it)", async () => {
    const store = createProjectStore({ dataDir });
    const important = join(dataDir, 'important.json');
    await writeFile(important, '{"api_key": "s3cret-value"}');
    const refused = await store.save(important, doc('net')).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      name: 'NotAProject',
      message: `'${important}' is not a CNN Studio project, so it was not replaced`,
    });
    expect((refused as Error).message).not.toContain('s3cret');
    expect(await readFile(important, 'utf8')).toBe('{"api_key": "s3cret-value"}');

    const replaced = await store.save(important, doc('net'), { overwrite: true });
    expect(replaced.path).toBe(important);
    expect(JSON.parse(await readFile(important, 'utf8'))).toMatchObject({
      format: GRAPH_FORMAT,
      name: 'net',
    });
    await store.save(important, doc('again')); // a project now: replaced without asking
  });

  it('keeps the project extension: a path not ending in .json gets .cnn.json, never writing the named file', async () => {
    const store = createProjectStore({ dataDir });
    const text = join(dataDir, 'important.txt');
    await writeFile(text, 'do not touch');
    const saved = await store.save(text, doc('net'));
    expect(saved.path).toBe(`${text}.cnn.json`);
    expect(await readFile(text, 'utf8')).toBe('do not touch');
  });

  it('never quotes a foreign file in an error', async () => {
    const store = createProjectStore({ dataDir });
    const secret = join(dataDir, 'id_rsa.json');
    await writeFile(secret, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA');
    const error = (await store.open(secret).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`'${secret}' is not a CNN Studio project, so it cannot be opened`);
    expect(error.message).not.toMatch(/BEGIN|b3Bl/);
  });

  it('refuses to save over a folder, and says why a save failed without naming its temporary file', async () => {
    const store = createProjectStore({ dataDir });
    await mkdir(join(dataDir, 'folder.cnn.json'));
    await expect(store.save(join(dataDir, 'folder.cnn.json'), doc('x'))).rejects.toThrow('it is not a file');
    const readOnly = join(dataDir, 'locked');
    await mkdir(readOnly, { mode: 0o500 });
    const error = (await store.save(join(readOnly, 'net'), doc('x')).catch((e: unknown) => e)) as Error;
    if (process.getuid?.() !== 0) {
      expect(error).toMatchObject({
        name: 'ProjectError',
        message: `cannot save '${join(readOnly, 'net.cnn.json')}': permission denied`,
      });
      expect(error.message).not.toContain('cnnstudio-tmp');
    }
  });

  it('keeps relative names inside the projects folder', async () => {
    const store = createProjectStore({ dataDir });
    await expect(store.save('../../escaped', doc('x'))).rejects.toThrow(
      "'../../escaped' leads out of the projects folder; give a full path to use another folder",
    );
    await expect(store.open('../recent.json')).rejects.toThrow('leads out of the projects folder');
    await expect(store.save(`${dataDir}/`, doc('x'))).rejects.toThrow(
      'names a folder; a project path must end in a file name',
    );
    await expect(store.save(`${dataDir}/..`, doc('x'))).rejects.toThrow('names a folder');
    expect((await store.save('sub/../inside', doc('x'))).path).toBe(
      join(dataDir, 'projects', 'inside.cnn.json'),
    );
  });
});
