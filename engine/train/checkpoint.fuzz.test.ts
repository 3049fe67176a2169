/**
 * Fuzz: checkpoints are files people keep and move around, so (1) resuming from a damaged
 * checkpoint — truncated, random or wrong-typed state.json, model.json, weights.bin or
 * optimizer.bin — gives a `CheckpointError` naming the damaged file, quickly, and writes or
 * deletes nothing; (2) writing a checkpoint into a folder that holds anything we did not
 * write (or is a file) is refused and changes nothing there or next to it.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { fuzzRuns } from '../graph/fuzz-graphs';
import { ForeignContentError } from './atomic-fs';
import { CHECKPOINT_FILES, CheckpointError, restoreCheckpoint, writeCheckpoint } from './checkpoint';
import { createOptimizer } from './optimizer';
import { tinyTargets, writeTinyCheckpoint } from './test-support';
import type { GraphDocument, TrainingSettings } from '../graph/document';

/** A resume or a refused write of a damaged or foreign folder must end well within this. */
const MAX_MS = 2000;

let root: string;
let pristine: string;
let made: { graph: GraphDocument; training: TrainingSettings };
let originals: Record<string, Buffer>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cnn-ckpt-fuzz-'));
  pristine = join(root, 'pristine');
  made = await writeTinyCheckpoint(tf, pristine);
  originals = Object.fromEntries(
    await Promise.all(CHECKPOINT_FILES.map(async (file) => [file, await readFile(join(pristine, file))])),
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file and folder under `dir`, with file contents, to compare before and after. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const walk = async (path: string, prefix: string) => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        entries[`${prefix}${entry.name}/`] = 'dir';
        await walk(full, `${prefix}${entry.name}/`);
      } else {
        entries[`${prefix}${entry.name}`] = (await readFile(full)).toString('base64');
      }
    }
  };
  await walk(dir, '');
  return entries;
}

// ——— (1) damaged checkpoints ———

type Damage =
  | { kind: 'truncate'; file: string; keep: number }
  | { kind: 'random-bytes'; file: string; bytes: Uint8Array }
  | { kind: 'json-value'; file: 'state.json' | 'model.json'; value: unknown }
  | { kind: 'state-field'; key: string; value: unknown };

const jsonFile = fc.constantFrom('state.json' as const, 'model.json' as const);
const anyFile = fc.constantFrom(...CHECKPOINT_FILES);
/** Values of a type no state.json field has where it is put (see `wrongFor`). */
const oddValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
  fc.double(),
);

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc
    .record({
      kind: fc.constant('truncate' as const),
      file: anyFile,
      keep: fc.double({ min: 0, max: 0.999, noNaN: true }),
    })
    .map((d) => ({ ...d, keep: Math.floor(d.keep * originals[d.file].length) })),
  fc.record({
    kind: fc.constant('random-bytes' as const),
    file: anyFile,
    bytes: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({
    kind: fc.constant('json-value' as const),
    file: jsonFile,
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({
    kind: fc.constant('state-field' as const),
    key: fc.constantFrom(
      'format',
      'version',
      'epochsDone',
      'history',
      'graph',
      'training',
      'datasetId',
      'optimizer',
    ),
    value: oddValue,
  }),
);

/** Whether `value` could still be valid for state.json's `key` (then a successful resume is fine). */
function couldBeValid(key: string, value: unknown): boolean {
  if (key === 'epochsDone' || key === 'version')
    return typeof value === 'number' && Number.isInteger(value) && value >= 0;
  if (key === 'datasetId') return typeof value === 'string' && value.length > 0;
  if (key === 'history') return Array.isArray(value) && value.length === 0;
  return false;
}

async function applyDamage(dir: string, d: Damage): Promise<{ file: string; mustFail: boolean }> {
  switch (d.kind) {
    case 'truncate':
      await writeFile(join(dir, d.file), originals[d.file].subarray(0, d.keep));
      return { file: d.file, mustFail: true };
    case 'random-bytes':
      await writeFile(join(dir, d.file), d.bytes);
      // Bytes of exactly the right length are garbage weights, not a damaged file.
      return {
        file: d.file,
        mustFail: d.bytes.length !== originals[d.file].length || d.file.endsWith('.json'),
      };
    case 'json-value':
      await writeFile(join(dir, d.file), JSON.stringify(d.value) ?? '');
      return { file: d.file, mustFail: true };
    case 'state-field': {
      const state = JSON.parse(originals['state.json'].toString('utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'state.json'), JSON.stringify({ ...state, [d.key]: d.value }));
      return { file: 'state.json', mustFail: !couldBeValid(d.key, d.value) };
    }
  }
}

describe('checkpoints under fuzzing', () => {
  it('resuming a damaged checkpoint names the file, in bounded time, touching nothing', async () => {
    const targets = tinyTargets(tf, made.graph, made.training);
    let refused = 0;
    try {
      await fc.assert(
        fc.asyncProperty(damage, async (d) => {
          const workspace = await mkdtemp(join(root, 'resume-'));
          try {
            const dir = join(workspace, 'ckpt');
            await cp(pristine, dir, { recursive: true });
            await writeFile(join(workspace, 'neighbour.txt'), 'not ours');
            const { file, mustFail } = await applyDamage(dir, d);
            const before = await snapshot(workspace);
            const started = performance.now();
            const outcome = await restoreCheckpoint(tf, dir, targets).then(
              () => null,
              (error: unknown) => error,
            );
            expect(performance.now() - started).toBeLessThan(MAX_MS);
            expect(await snapshot(workspace)).toEqual(before);
            if (outcome === null) {
              expect(mustFail).toBe(false);
              return;
            }
            refused++;
            expect(outcome).toBeInstanceOf(CheckpointError);
            const message = (outcome as Error).message;
            expect(message).toContain(file);
            expect(message).not.toMatch(/\n\s+at /); // no stack trace
            expect(message.length).toBeLessThan(2000);
          } finally {
            await rm(workspace, { recursive: true, force: true });
          }
        }),
        fuzzRuns(60),
      );
    } finally {
      targets.model.dispose();
      targets.optimizer.dispose();
    }
    expect(refused).toBeGreaterThan(40);
  });

  // ——— (2) foreign content where a checkpoint is to be written ———

  const names = fc.constantFrom(...CHECKPOINT_FILES, 'notes.txt', 'a', '.hidden', 'sub', 'model.json.bak');
  type Tree = Array<{ name: string; folder: boolean; content: Uint8Array }>;
  const tree: fc.Arbitrary<Tree> = fc.uniqueArray(
    fc.record({ name: names, folder: fc.boolean(), content: fc.uint8Array({ maxLength: 64 }) }),
    { minLength: 1, maxLength: 5, selector: (entry) => entry.name },
  );
  const layout = fc.record({
    target: fc.oneof(
      fc.record({ kind: fc.constant('file' as const), content: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant('folder' as const), entries: tree }),
      // Writable targets, so that foreign `.partial` / `.old` siblings are reached too.
      fc.record({ kind: fc.constant('absent' as const) }),
      fc.record({ kind: fc.constant('ours' as const) }),
    ),
    // Half the time absent, so writable targets without siblings come up often enough.
    partial: fc.option(tree, { nil: undefined, freq: 2 }),
    old: fc.option(tree, { nil: undefined, freq: 2 }),
  });

  async function plant(path: string, entries: Tree): Promise<void> {
    await mkdir(path, { recursive: true });
    for (const entry of entries) {
      if (entry.folder) {
        await mkdir(join(path, entry.name));
        await writeFile(join(path, entry.name, 'inside.txt'), entry.content);
      } else {
        await writeFile(join(path, entry.name), entry.content);
      }
    }
  }

  it('never deletes or changes what a --checkpoint-dir target already holds', async () => {
    const model = compileGraph(tf, made.graph);
    const optimizer = createOptimizer(tf, made.training);
    const info = {
      epochsDone: 1,
      history: [],
      graph: made.graph,
      training: made.training,
      datasetId: 'synthetic',
      limit: null,
    };
    try {
      await fc.assert(
        fc.asyncProperty(layout, async ({ target, partial, old }) => {
          const workspace = await mkdtemp(join(root, 'write-'));
          try {
            const dir = join(workspace, 'ckpt');
            if (target.kind === 'file') await writeFile(dir, target.content);
            else if (target.kind === 'folder') await plant(dir, target.entries);
            else if (target.kind === 'ours') await cp(pristine, dir, { recursive: true });
            await writeFile(join(workspace, 'neighbour.txt'), 'not ours');
            if (partial) await plant(`${dir}.partial`, partial);
            if (old) await plant(`${dir}.old`, old);
            const before = await snapshot(workspace);
            const started = performance.now();
            const error = await writeCheckpoint(tf, dir, { model, optimizer, info }).then(
              () => null,
              (caught: unknown) => caught,
            );
            expect(performance.now() - started).toBeLessThan(MAX_MS);
            const writable = (target.kind === 'absent' || target.kind === 'ours') && !partial && !old;
            if (writable) {
              // Only the checkpoint itself changed: no leftovers, nothing else touched.
              const outside = (entries: Record<string, string>) =>
                Object.fromEntries(Object.entries(entries).filter(([path]) => !path.startsWith('ckpt/')));
              const after = await snapshot(workspace);
              expect(error).toBeNull();
              expect(outside(after)).toEqual(outside(before));
              expect(
                Object.keys(after)
                  .filter((path) => path.startsWith('ckpt/'))
                  .sort(),
              ).toEqual(['ckpt/', ...CHECKPOINT_FILES.map((file) => `ckpt/${file}`)].sort());
              return;
            }
            expect(error).toBeInstanceOf(ForeignContentError);
            expect((error as Error).message).toMatch(/nothing was changed$/);
            expect(await snapshot(workspace)).toEqual(before);
            if (target.kind === 'file') expect((await stat(dir)).isFile()).toBe(true);
          } finally {
            await rm(workspace, { recursive: true, force: true });
          }
        }),
        fuzzRuns(60),
      );
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});
