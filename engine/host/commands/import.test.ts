import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureOutput } from './test-support';
import { analyzeGraph } from '../../graph/analyze';
import { loadGraphDocument } from '../../graph/load';
import { run } from './import';

/** Runs the command, capturing what it prints. */
async function importCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, out, err } = await captureOutput(() => run(args));
  return { code, stdout: out.join('\n'), stderr: err.replace(/\n$/, '') };
}

const dir = mkdtempSync(join(tmpdir(), 'import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a Sequential model.json of the given layers; returns its path. */
function modelFile(
  name: string,
  ...layers: Array<[className: string, config: Record<string, unknown>]>
): string {
  const path = join(dir, name);
  const topology = {
    class_name: 'Sequential',
    config: { name: 'seq', layers: layers.map(([c, config]) => ({ class_name: c, config })) },
  };
  writeFileSync(path, JSON.stringify({ modelTopology: topology }));
  return path;
}

const image: [string, Record<string, unknown>] = [
  'InputLayer',
  { name: 'image', batch_input_shape: [null, 8, 8, 1] },
];
const flatten: [string, Record<string, unknown>] = ['Flatten', { name: 'flat' }];

describe('cnn-studio import', () => {
  it('repairs what has one right answer, names each repair, and writes a graph CNN Studio reads', async () => {
    const model = modelFile('unnamed.json', image, flatten, ['Dense', { name: '', units: 3 }]);
    const out = join(dir, 'unnamed-graph.json');
    const { code, stdout, stderr } = await importCommand(model, '--out', out);
    expect(code).toBe(0);
    expect(stderr).toBe('cnn-studio import: repaired: layer 3 (Dense) had no name: named dense_3');
    expect(stdout).toBe(`Wrote ${out}: 3 nodes`);
    expect(analyzeGraph(loadGraphDocument(readFileSync(out, 'utf8'))).valid).toBe(true);
  });

  it('writes nothing for a graph still invalid, and exits 3 listing the problems', async () => {
    const model = modelFile('no-units.json', image, flatten, ['Dense', { name: 'out' }]);
    const out = join(dir, 'no-units-graph.json');
    const { code, stderr } = await importCommand(model, '--out', out);
    expect(code).toBe(3);
    expect(stderr).toContain('node out: units was missing in the model, and Keras has no default for it');
    expect(stderr).toContain('nothing written; --allow-invalid writes it anyway');
    expect(existsSync(out)).toBe(false);
  });

  it('writes an invalid graph with --allow-invalid, still exiting 3 with the problems', async () => {
    const model = modelFile(
      'no-height.json',
      ['InputLayer', { name: 'image', batch_input_shape: [null, null, 8, 1] }],
      flatten,
      ['Dense', { name: 'out', units: 2 }],
    );
    const out = join(dir, 'no-height-graph.json');
    const { code, stderr } = await importCommand(model, '--out', out, '--allow-invalid');
    expect(code).toBe(3);
    expect(stderr).toContain('node image: height must be a whole number from 1 to 4096, got 0');
    expect(stderr).toContain('(--allow-invalid)');
    // Written so the editor can open it and show the problem at the node.
    const analysis = analyzeGraph(loadGraphDocument(readFileSync(out, 'utf8')));
    expect(analysis.valid).toBe(false);
  });

  it('a file that is not a layers model: exit 1, nothing written', async () => {
    const path = join(dir, 'not-a-model.json');
    writeFileSync(path, '[]');
    const out = join(dir, 'never.json');
    const { code, stderr } = await importCommand(path, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain('not a model.json');
    expect(existsSync(out)).toBe(false);
  });
});
