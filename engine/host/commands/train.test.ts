import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureOutput } from './test-support';
import { tinyCnn } from '../../train/test-support';
import { run } from './train';
import { run as runDatasets } from './datasets';

let dir: string;
let graphFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-cli-'));
  vi.stubEnv('CNN_STUDIO_DATA_DIR', dir);
  graphFile = join(dir, 'tiny.json');
  await writeFile(graphFile, JSON.stringify(tinyCnn()));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const capture = captureOutput;

describe('cnn-studio train', () => {
  it('--json prints events and ends with exactly the result line', async () => {
    const { code, out } = await capture(() =>
      run([
        '--file',
        graphFile,
        '--dataset',
        'synthetic',
        '--epochs',
        '1',
        '--limit',
        '64',
        '--batch-size',
        '16',
        '--lr',
        '0.01',
        '--optimizer',
        'adam',
        '--json',
      ]),
    );
    expect(code).toBe(0);
    const lines = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0].event).toBe('started');
    expect(lines.some((line) => line.event === 'epoch')).toBe(true);
    const last = lines.at(-1)!;
    expect(Object.keys(last)).toEqual([
      'event',
      'testAccuracy',
      'testLoss',
      'trainAccuracy',
      'trainLoss',
      'epochs',
      'backend',
      'imagesPerSecond',
      'engine',
      'device',
      'processes',
    ]);
    expect(last).toMatchObject({ event: 'done', epochs: 1, engine: 'tfjs', processes: 1 });
    expect(typeof last.backend).toBe('string');
  });

  it('prints a summary with per-class accuracy in human mode', async () => {
    const { code, out } = await capture(() =>
      run(['--file', graphFile, '--dataset', 'synthetic', '--epochs', '1', '--limit', '32']),
    );
    expect(code).toBe(0);
    expect(out[0]).toBe('Done.');
    expect(out.join('\n')).toMatch(/test {2}loss [\d.]+ {2}accuracy [\d.]+/);
    expect(out.join('\n')).toMatch(/checkerboard/);
  });

  it('rejects bad arguments with exit code 2, quoting the value', async () => {
    const bad = await capture(() => run(['--file', graphFile, '--lr', 'fast']));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--lr must be a number, got "fast"/);
    const unknown = await capture(() => run(['--preset', 'lenet5']));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown preset "lenet5"/);
    const both = await capture(() => run([]));
    expect(both.code).toBe(2);
  });

  it('fails with exit code 1 and a JSON failure line for a class-count mismatch', async () => {
    const file = join(dir, 'seven.json');
    await writeFile(file, JSON.stringify(tinyCnn({ units: 7 })));
    const { code, out } = await capture(() => run(['--file', file, '--dataset', 'synthetic', '--json']));
    expect(code).toBe(1);
    expect(JSON.parse(out.at(-1)!)).toEqual({
      event: 'failed',
      message:
        "the dataset 'synthetic' has 10 classes but the model's output node out has 7 units — set its units to 10",
    });
  });
});

describe('cnn-studio train: checkpoints', () => {
  const quick = () => ['--file', graphFile, '--dataset', 'synthetic', '--lr', '0.01', '--optimizer', 'adam'];
  const events = (out: string[]) => out.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('never touches a --checkpoint-dir that holds files it did not write', async () => {
    const target = join(dir, 'my-folder');
    await mkdir(join(target, 'holiday photos'), { recursive: true });
    await writeFile(join(target, 'notes.txt'), 'do not lose');
    await writeFile(join(target, 'holiday photos', 'beach.jpg'), 'jpeg');
    const { code, err } = await capture(() =>
      run([...quick(), '--epochs', '1', '--limit', '32', '--checkpoint-dir', target]),
    );
    expect(code).toBe(1);
    expect(err).toContain(
      `the checkpoint folder ${target} holds files CNN Studio did not write (holiday photos/, notes.txt)`,
    );
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('do not lose');
    expect(await readFile(join(target, 'holiday photos', 'beach.jpg'), 'utf8')).toBe('jpeg');
    expect((await readdir(dir)).filter((name) => name.startsWith('my-folder'))).toEqual(['my-folder']);
  });

  it('does not replace a file named like the --checkpoint-dir with a folder', async () => {
    const target = join(dir, 'a-file.txt');
    await writeFile(target, 'keep');
    const { code, err } = await capture(() =>
      run([...quick(), '--epochs', '1', '--limit', '32', '--checkpoint-dir', target]),
    );
    expect(code).toBe(1);
    expect(err).toContain(`the checkpoint folder ${target} is a file, not a folder`);
    expect(await readFile(target, 'utf8')).toBe('keep');
  });

  it('--resume continues the run it was (limit, batch size) and says what was overridden', async () => {
    const checkpoint = join(dir, 'ckpt-resume');
    const first = await capture(() =>
      run([
        ...quick(),
        '--epochs',
        '1',
        '--limit',
        '64',
        '--batch-size',
        '16',
        '--checkpoint-dir',
        checkpoint,
        '--json',
      ]),
    );
    expect(first.code).toBe(0);
    const resumed = await capture(() => run(['--resume', checkpoint, '--epochs', '2', '--json']));
    expect(resumed.code).toBe(0);
    const lines = events(resumed.out);
    expect(lines[0]).toEqual({
      event: 'resuming',
      from: checkpoint,
      epoch: 2,
      overridden: { epochs: { checkpoint: 1, given: 2 } },
    });
    // 64 images in batches of 16, as the checkpointed run had, not the whole dataset.
    expect(lines.find((line) => line.event === 'batch')).toMatchObject({ epoch: 2, batchesPerEpoch: 4 });
    expect(lines.at(-1)).toMatchObject({ event: 'done', epochs: 2 });

    const human = await capture(() => run(['--resume', checkpoint, '--epochs', '3', '--limit', '32']));
    expect(human.code).toBe(0);
    expect(human.err).toContain(
      `Resuming from ${checkpoint} at epoch 3: overridden: epochs 3 (the checkpoint has 2), limit 32 (the checkpoint has 64); the other settings come from the checkpoint.`,
    );
  });

  it('--resume of a finished run without more epochs is a usage error', async () => {
    const checkpoint = join(dir, 'ckpt-finished');
    await capture(() => run([...quick(), '--epochs', '1', '--limit', '32', '--checkpoint-dir', checkpoint]));
    const { code, err } = await capture(() => run(['--resume', checkpoint]));
    expect(code).toBe(2);
    expect(err).toContain(
      `--resume: the run in ${checkpoint} has done 1 of its 1 epochs; give --epochs above 1`,
    );
  });

  it('--resume of a damaged checkpoint names the file, without a stack trace', async () => {
    const checkpoint = join(dir, 'ckpt-damaged');
    await capture(() => run([...quick(), '--epochs', '1', '--limit', '32', '--checkpoint-dir', checkpoint]));
    await writeFile(join(checkpoint, 'state.json'), '{}');
    const { code, err } = await capture(() => run(['--resume', checkpoint, '--epochs', '2']));
    expect(code).toBe(1);
    expect(err).toBe(
      `cnn-studio train: checkpoint ${checkpoint} is damaged: state.json is not a CNN Studio checkpoint (it has no "format" field)\n`,
    );
  });

  it('a learning rate that makes the loss NaN fails the run with exit code 1', async () => {
    const { code, out } = await capture(() =>
      run([
        '--file',
        graphFile,
        '--dataset',
        'synthetic',
        '--optimizer',
        'sgd',
        '--lr',
        '1e38',
        '--epochs',
        '1',
        '--limit',
        '32',
        '--batch-size',
        '32',
        '--json',
      ]),
    );
    expect(code).toBe(1);
    const last = events(out).at(-1)!;
    expect(last.event).toBe('failed');
    expect(last.message).toMatch(/became (NaN|Infinity) .* the learning rate 1e\+38 is probably too high/);
  });
});

describe('cnn-studio datasets', () => {
  it('lists the built-in datasets as a table and as JSON', async () => {
    const table = await capture(() => runDatasets([]));
    expect(table.code).toBe(0);
    expect(table.out.join('\n')).toMatch(/fashion-mnist\s+Fashion-MNIST\s+built in\s+60,000\s+10,000/);
    const json = await capture(() => runDatasets(['--json']));
    const ids = (JSON.parse(json.out[0]) as Array<{ id: string }>).map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['fashion-mnist', 'mnist', 'synthetic']));
  });
});
