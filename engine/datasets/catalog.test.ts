import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset, listDatasets, openDataset } from './catalog';
import { solid, writeIdxPair, writePng } from './test-support/fixtures';
import { useTempDir } from './test-support/temp-dir';

const tempDir = useTempDir();

function idxSource(count = 20): string {
  const dir = tempDir();
  const labels = Array.from({ length: count }, (_, i) => i % 2);
  writeIdxPair(join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-labels-idx1-ubyte'), labels, 3);
  return dir;
}

describe('dataset catalog', () => {
  it('lists the built-ins and opens the synthetic set', async () => {
    const dataDir = tempDir();
    const list = await listDatasets({ dataDir });
    expect(list.map((d) => d.id)).toEqual(['fashion-mnist', 'mnist', 'synthetic']);
    const synthetic = await openDataset('synthetic', { dataDir });
    expect(synthetic.info.trainSize).toBe(synthetic.train.count);
    expect(synthetic.test.count).toBe(500);
    await expect(openDataset('nope', { dataDir })).rejects.toThrow(
      /Unknown dataset 'nope'. Known datasets: fashion-mnist, mnist, synthetic/,
    );
  });

  it('imports, registers, lists and opens a dataset; re-importing the same path keeps its id', async () => {
    const dataDir = tempDir();
    const source = idxSource();
    const info = await importDataset({ kind: 'idx', path: source, name: 'My Digits!' }, { dataDir });
    expect(info).toMatchObject({
      id: 'my-digits',
      source: 'imported',
      path: source,
      trainSize: 16,
      testSize: 4,
      imageShape: [3, 3, 1],
    });
    const index = JSON.parse(readFileSync(join(dataDir, 'datasets', 'index.json'), 'utf8'));
    expect(index.datasets.map((d: { id: string }) => d.id)).toEqual(['my-digits']);
    expect((await listDatasets({ dataDir })).map((d) => d.id)).toContain('my-digits');
    const opened = await openDataset('my-digits', { dataDir });
    expect(opened.train.count).toBe(16);

    const again = await importDataset({ kind: 'idx', path: source, name: 'My Digits!' }, { dataDir });
    expect(again.id).toBe('my-digits');
    const other = await importDataset({ kind: 'idx', path: idxSource(10), name: 'My Digits!' }, { dataDir });
    expect(other.id).toBe('my-digits-2');
    expect((await listDatasets({ dataDir })).filter((d) => d.source === 'imported')).toHaveLength(2);
  });

  it('leaves no cache, temporary file or index entry after a failed import', async () => {
    const dataDir = tempDir();
    await importDataset({ kind: 'idx', path: idxSource(), name: 'good' }, { dataDir });
    const before = readdirSync(join(dataDir, 'datasets')).sort();
    const bad = tempDir();
    writeFileSync(join(bad, 'data.csv'), '0,1,2,3,4\n1,1,2,oops,4\n');
    await expect(importDataset({ kind: 'csv', path: join(bad, 'data.csv') }, { dataDir })).rejects.toThrow(
      /row 2, column 4: value "oops"/,
    );
    expect(readdirSync(join(dataDir, 'datasets')).sort()).toEqual(before);
    expect((await listDatasets({ dataDir })).map((d) => d.id)).toEqual([
      'fashion-mnist',
      'mnist',
      'synthetic',
      'good',
    ]);
  });

  it('rebuilds a damaged imported cache from its source, or says to import again when the source is gone', async () => {
    const dataDir = tempDir();
    const source = idxSource();
    const info = await importDataset({ kind: 'idx', path: source }, { dataDir });
    const cache = join(dataDir, 'datasets', `imported-${info.id}.bin`);
    writeFileSync(cache, readFileSync(cache).subarray(0, 60));
    // The source grew meanwhile (30 images): the rebuilt cache and the index say so.
    const labels = Array.from({ length: 30 }, (_, i) => i % 2);
    writeIdxPair(join(source, 'train-images-idx3-ubyte'), join(source, 'train-labels-idx1-ubyte'), labels, 3);
    const messages: string[] = [];
    const reopened = await openDataset(info.id, { dataDir, log: (m) => messages.push(m) });
    expect(reopened.train.count).toBe(24);
    expect(reopened.info.trainSize).toBe(24);
    expect(messages.join()).toMatch(/re-importing it from/);
    expect((await listDatasets({ dataDir })).find((d) => d.id === info.id)?.trainSize).toBe(24);

    writeFileSync(cache, 'garbage');
    rmSync(source, { recursive: true });
    await expect(openDataset(info.id, { dataDir })).rejects.toThrow(/is gone; import the dataset again/);
  });

  it('rejects an unknown import kind and names an unreadable index', async () => {
    const dataDir = tempDir();
    // @ts-expect-error: a kind the contract does not allow, as a client might still send.
    await expect(importDataset({ kind: 'zip', path: idxSource() }, { dataDir })).rejects.toThrow(
      /unknown import kind "zip"/,
    );
    // @ts-expect-error: as above, a name that exists on Object.prototype.
    await expect(importDataset({ kind: 'toString', path: idxSource() }, { dataDir })).rejects.toThrow(
      /unknown import kind/,
    );
    await expect(importDataset({ kind: 'csv', path: '' }, { dataDir })).rejects.toThrow(
      /non-empty string, got ""/,
    );
    await expect(
      importDataset({ kind: 'csv', path: join(dataDir, 'missing.csv') }, { dataDir }),
    ).rejects.toThrow(/missing\.csv: no such file or folder/);
    await importDataset({ kind: 'idx', path: idxSource() }, { dataDir });
    writeFileSync(join(dataDir, 'datasets', 'index.json'), '{');
    await expect(listDatasets({ dataDir })).rejects.toThrow(/index\.json: not valid JSON/);
    expect(existsSync(join(dataDir, 'datasets'))).toBe(true);
  });

  it('records and lists a dataset with no test images as testSize 0, and opens it', async () => {
    const dataDir = tempDir();
    const source = tempDir();
    for (const name of ['a', 'b'])
      writePng(join(source, 'train', name, '0.png'), 2, 2, solid(2, 2, [9, 9, 9]));
    mkdirSync(join(source, 'test'));
    const info = await importDataset({ kind: 'folder', path: source, name: 'no test' }, { dataDir });
    expect(info).toMatchObject({ id: 'no-test', trainSize: 2, testSize: 0, imageShape: [2, 2, 1] });
    expect((await listDatasets({ dataDir })).find((d) => d.id === 'no-test')?.testSize).toBe(0);
    const opened = await openDataset('no-test', { dataDir });
    expect(opened.test).toMatchObject({ count: 0, height: 2, width: 2, channels: 1 });
  });
});
