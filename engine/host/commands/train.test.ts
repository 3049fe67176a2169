import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((line: unknown) => void (err += `${String(line)}\n`));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await fn(), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

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
    ]);
    expect(last).toMatchObject({ event: 'done', epochs: 1 });
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
