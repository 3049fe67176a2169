import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureOutput } from './test-support';
import { pngClaiming, solid, writePng } from '../../datasets/test-support/fixtures';
import { tinyCnn } from '../../train/test-support';
import { run } from './datasets';
import { run as runTrain } from './train';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-cli-datasets-'));
  vi.stubEnv('CNN_STUDIO_DATA_DIR', join(dir, 'data'));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** The command's output, with stdout as one string (a line each). */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const { code, out, err } = await captureOutput(fn);
  return { code, out: out.map((line) => `${line}\n`).join(''), err };
}

/** Two classes of 8×8 grey squares, bright and dark, five each. */
function shapesFolder(root: string): string {
  for (let i = 0; i < 5; i++) {
    writePng(join(root, 'bright', `${i}.png`), 8, 8, solid(8, 8, [200 + i, 200 + i, 200 + i]));
    writePng(join(root, 'dark', `${i}.png`), 8, 8, solid(8, 8, [10 + i, 10 + i, 10 + i]));
  }
  return root;
}

describe('cnn-studio datasets import', () => {
  it('imports a folder (kind guessed), prints id, counts and classes, and train --dataset uses it', async () => {
    const source = shapesFolder(join(dir, 'shapes'));
    const imported = await capture(() => run(['import', source, '--name', 'Bright and dark']));
    expect(imported).toMatchObject({ code: 0, err: '' });
    expect(imported.out).toMatch(/Imported "Bright and dark" \(folder\) from .*shapes/);
    expect(imported.out).toMatch(/id {7}bright-and-dark/);
    expect(imported.out).toMatch(/images {3}8 train, 2 test images, each 8×8×1/);
    expect(imported.out).toMatch(/classes {2}2: bright, dark/);

    const listed = await capture(() => run([]));
    expect(listed.out).toMatch(/bright-and-dark +Bright and dark +imported from .*shapes +8 +2 +8×8×1 +2/);

    const graph = join(dir, 'two-class.json');
    await writeFile(graph, JSON.stringify(tinyCnn({ units: 2, size: 8 })));
    const trained = await capture(() =>
      runTrain([
        '--file',
        graph,
        '--dataset',
        'bright-and-dark',
        '--epochs',
        '1',
        '--batch-size',
        '4',
        '--json',
      ]),
    );
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    const events = trained.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; dataset?: { id: string } });
    expect(events[0]).toMatchObject({ event: 'started', dataset: { id: 'bright-and-dark' } });
    expect(events.at(-1)).toMatchObject({ event: 'done', epochs: 1 });
  });

  it('says when a dataset has no test images, in the import and in the list', async () => {
    const source = join(dir, 'train-only');
    shapesFolder(join(source, 'train'));
    await mkdir(join(source, 'test'));
    const imported = await capture(() => run(['import', source, '--kind', 'folder', '--json']));
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ id: 'train-only', trainSize: 10, testSize: 0 });
    const again = await capture(() => run(['import', source]));
    expect(again.out).toMatch(/10 train, no test images \(runs on it report no test set\)/);
    const listed = await capture(() => run([]));
    expect(listed.out).toMatch(/train-only .* 10 +none +8×8×1/);
  });

  it('refuses bad input with the file named, exit 1, no stack trace; bad usage with exit 2', async () => {
    const source = shapesFolder(join(dir, 'huge'));
    await writeFile(join(source, 'dark', '9.png'), pngClaiming(20000, 20000));
    const huge = await capture(() => run(['import', source]));
    expect(huge.code).toBe(1);
    expect(huge.err).toMatch(
      /^cnn-studio datasets import: .*dark[\\/]9\.png: the image is 20000×20000 = 400,000,000 pixels/,
    );
    expect(huge.err).not.toMatch(/\n\s+at /);

    expect((await capture(() => run(['import', join(dir, 'nope')]))).err).toMatch(
      /nope: no such file or folder/,
    );
    const badKind = await capture(() => run(['import', source, '--kind', 'zip']));
    expect(badKind.code).toBe(2);
    expect(badKind.err).toMatch(/--kind must be one of folder, idx, csv, got "zip"/);
    expect((await capture(() => run(['import']))).code).toBe(2);
  });
});
