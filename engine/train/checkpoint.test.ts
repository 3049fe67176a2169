import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMAT, CheckpointError, readCheckpointState, restoreCheckpoint } from './checkpoint';
import { tinyCnn, tinyTargets, writeTinyCheckpoint } from './test-support';
import type { GraphDocument, TrainingSettings } from '../graph/document';

let root: string;
let dir: string;
let made: { graph: GraphDocument; training: TrainingSettings };

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cnn-ckpt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(root, 'case-'));
  dir = join(dir, 'ckpt');
  made = await writeTinyCheckpoint(tf, dir);
});

async function restore(): Promise<unknown> {
  const targets = tinyTargets(tf, made.graph, made.training);
  try {
    return await restoreCheckpoint(tf, dir, targets);
  } finally {
    targets.model.dispose();
    targets.optimizer.dispose();
  }
}

async function editState(edit: (state: Record<string, unknown>) => unknown): Promise<void> {
  const path = join(dir, 'state.json');
  const state = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify(edit(state)));
}

describe('reading a checkpoint', () => {
  it('restores what it wrote, tagged with its format and version', async () => {
    const state = await readCheckpointState(dir);
    expect(state).toMatchObject({ format: CHECKPOINT_FORMAT, version: 2, epochsDone: 1, limit: 64 });
    await expect(restore()).resolves.toMatchObject({ epochsDone: 1 });
  });

  it('upgrades a version-1 state.json (no format tag)', async () => {
    await editState(({ format: _format, ...rest }) => ({ ...rest, version: 1 }));
    expect(await readCheckpointState(dir)).toMatchObject({ format: CHECKPOINT_FORMAT, version: 2 });
  });

  it('refuses a state.json from a newer CNN Studio', async () => {
    await editState((state) => ({ ...state, version: 9 }));
    await expect(readCheckpointState(dir)).rejects.toThrow(
      /state\.json was written by a newer CNN Studio \(checkpoint version 9; this one reads up to 2\)/,
    );
  });

  const damages: Array<[string, () => Promise<void>, RegExp]> = [
    [
      'state.json = {}',
      () => writeFile(join(dir, 'state.json'), '{}'),
      /is damaged: state\.json is not a CNN Studio checkpoint \(it has no "format" field\)/,
    ],
    [
      'state.json not JSON',
      () => writeFile(join(dir, 'state.json'), '{"format":'),
      /is damaged: state\.json is not valid JSON/,
    ],
    [
      'a wrong type in state.json',
      () => editState((state) => ({ ...state, epochsDone: 'three' })),
      /is damaged: state\.json epochsDone: expected number, got "three"/,
    ],
    [
      'an invalid graph in state.json',
      () => editState((state) => ({ ...state, graph: { ...(state.graph as object), nodes: 'x' } })),
      /is damaged: state\.json graph: nodes: /,
    ],
    [
      'a graph that does not analyse',
      () =>
        editState((state) => {
          const graph = state.graph as GraphDocument;
          return { ...state, graph: { ...graph, edges: graph.edges.slice(1) } };
        }),
      /is damaged: state\.json holds a graph that is not valid/,
    ],
    [
      'a training setting missing',
      () =>
        editState((state) => {
          const { seed: _seed, ...training } = state.training as TrainingSettings;
          return { ...state, training };
        }),
      /is damaged: state\.json training\.seed: missing/,
    ],
    [
      'model.json = []',
      () => writeFile(join(dir, 'model.json'), '[]'),
      /is damaged: model\.json is not a tfjs model: expected a tfjs model \(a JSON object\), got \[\]/,
    ],
    [
      'a truncated optimizer.bin',
      () => truncate(join(dir, 'optimizer.bin'), 1024),
      /is damaged: optimizer\.bin is 1,024 bytes, expected 31,564/,
    ],
    [
      'a truncated weights.bin',
      () => truncate(join(dir, 'weights.bin'), 10),
      /is damaged: weights\.bin is 10 bytes, expected 31,560/,
    ],
    [
      'a missing optimizer.bin',
      () => rm(join(dir, 'optimizer.bin')),
      /is damaged: optimizer\.bin is missing/,
    ],
  ];
  for (const [name, damage, message] of damages) {
    it(`names the damaged file: ${name}`, async () => {
      await damage();
      const error = await restore().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(`checkpoint ${dir}`);
    });
  }

  it('reports a weight-shape mismatch as a checkpoint error naming model.json', async () => {
    const other = tinyTargets(tf, tinyCnn({ size: 32 }), made.training);
    try {
      const error = await restoreCheckpoint(tf, dir, other).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toMatchObject({ file: 'model.json' });
      expect((error as Error).message).toMatch(/do not fit this model/);
    } finally {
      other.model.dispose();
      other.optimizer.dispose();
    }
  });
});

describe('writing a checkpoint', () => {
  it('replaces its own checkpoint and leaves no temporary folders', async () => {
    await writeTinyCheckpoint(tf, dir);
    const parent = join(dir, '..');
    expect((await readdir(parent)).sort()).toEqual(['ckpt']);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.bin', 'state.json', 'weights.bin']);
  });

  it('refuses a folder holding anything else, naming it, and touches nothing', async () => {
    const foreign = join(root, 'foreign');
    await mkdir(join(foreign, 'photos'), { recursive: true });
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    await writeFile(join(foreign, 'model.json'), 'also mine');
    await expect(writeTinyCheckpoint(tf, foreign)).rejects.toThrow(
      `the checkpoint folder ${foreign} holds files CNN Studio did not write (notes.txt, photos/): choose a new or empty folder — nothing was changed`,
    );
    expect(await readFile(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(foreign, 'model.json'), 'utf8')).toBe('also mine');
    expect((await readdir(root)).filter((name) => name.startsWith('foreign'))).toEqual(['foreign']);
  });

  it('refuses our file names with content that is not ours (a tfjs export)', async () => {
    const exported = join(root, 'export');
    await mkdir(exported, { recursive: true });
    await writeFile(join(exported, 'model.json'), '{"format":"layers-model"}');
    await expect(writeTinyCheckpoint(tf, exported)).rejects.toThrow(
      /holds files CNN Studio did not write \(model\.json\)/,
    );
    expect(await readFile(join(exported, 'model.json'), 'utf8')).toBe('{"format":"layers-model"}');
  });

  it('refuses a file in place of the folder and leaves it as it was', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'keep me');
    await expect(writeTinyCheckpoint(tf, file)).rejects.toThrow(
      `the checkpoint folder ${file} is a file, not a folder: choose a new or empty folder — nothing was changed`,
    );
    expect(await readFile(file, 'utf8')).toBe('keep me');
  });

  it('writes into an empty folder', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await writeTinyCheckpoint(tf, empty);
    expect(await readCheckpointState(empty)).not.toBeNull();
  });
});
