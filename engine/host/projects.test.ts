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
    nodes: [{ id: 'in', type: 'input', params: { height: 28, width: 28, channels: 1 }, position: { x: 0, y: 0 } }],
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
    await expect(store.open(bad)).rejects.toThrow(`'${bad}' is not a valid project: not a CNN Studio graph`);
    await expect(store.open(join(dataDir, 'nope.json'))).rejects.toThrow('no such file');
    await writeFile(bad, '{"format":');
    await expect(store.open(bad)).rejects.toMatchObject({ name: 'GraphLoadError', message: expect.stringContaining('not valid JSON') });
  });

  it('refuses to save an invalid document and keeps the file on disk', async () => {
    const store = createProjectStore({ dataDir });
    const saved = await store.save('keep', doc('Keep me'));
    const before = await readFile(saved.path, 'utf8');
    await expect(store.save('keep', { ...doc('x'), nodes: 'oops' } as unknown as GraphDocument)).rejects.toThrow(/nodes/);
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
    await writeFile(join(folder, 'old.json'), '{}');
    await writeFile(join(folder, 'new.cnn.json'), '{}');
    await writeFile(join(folder, 'notes.txt'), 'x');
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
});
