import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureOutput } from './test-support';
import { serializeGraphDocument } from '../../graph/serialize';
import { activationRing } from '../../graph/test-graphs';
import { getPreset, presetIds } from '../../presets/index';
import { run } from './summary';

/** Runs the command, capturing what it prints. */
async function summary(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, out, err } = await captureOutput(() => run(args));
  return { code, stdout: out.join('\n'), stderr: err.replace(/\n$/, '') };
}

const dir = mkdtempSync(join(tmpdir(), 'summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeGraph(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('cnn-studio summary', () => {
  it('prints a Keras-style table of a preset', async () => {
    const { code, stdout, stderr } = await summary('--preset', 'lenet');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Model: "LeNet"  28×28×1 → 10');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ Node +Layer +Output shape +Params +Multiply-adds$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ conv1 +Conv 2D \(5×5 · 6 · p2 · sigmoid\) +28×28×6 +156 +117,600$/),
    );
    expect(stdout).toContain(' Total params: 61,706');
    expect(stdout).toContain(' Trainable params: 61,706');
    expect(stdout).toContain(' Multiply-adds: 416,520 per example');
  });

  it('with --json prints exactly one JSON object', async () => {
    const { code, stdout } = await summary('--preset', 'resnet18', '--json');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['name', 'input', 'output', 'params', 'macs', 'nodes']);
    expect(json).toMatchObject({
      name: 'ResNet-18',
      input: [96, 96, 1],
      output: [10],
      params: { trainable: 11_178_378, nonTrainable: 7_808 },
    });
    expect(json.nodes[0]).toEqual({
      id: 'input',
      type: 'input',
      outputShape: [96, 96, 1],
      params: 0,
      macs: 0,
    });
    expect(json.nodes.find((node: { id: string }) => node.id === 'bn1')).toMatchObject({ params: 256 });
    expect(json.macs).toBe(json.nodes.reduce((sum: number, node: { macs: number }) => sum + node.macs, 0));
  });

  it('reads a graph file', async () => {
    const path = writeGraph('bn-lenet.json', serializeGraphDocument(getPreset('bn-lenet')));
    const { code, stdout } = await summary('--file', path, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).params.trainable).toBe(44_878);
  });

  it('an unknown preset lists the valid ids', async () => {
    const { code, stdout, stderr } = await summary('--preset', 'lenet5');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `cnn-studio summary: unknown preset "lenet5"; the presets are: ${presetIds.join(', ')}`,
    );
  });

  it('a file that cannot be read: exit 1 with the reason', async () => {
    const missing = await summary('--file', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`cnn-studio summary: ${join(dir, 'nope.json')}: no such file`);

    const broken = await summary('--file', writeGraph('broken.json', '{"format": "cnn-studio-graph",'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json: not valid JSON: /);

    const foreign = await summary('--file', writeGraph('foreign.json', '{"format": "onnx"}'));
    expect(foreign.stderr).toMatch(/foreign\.json: not a CNN Studio graph \(format is "onnx"/);
  });

  it('an invalid graph: exit 1 with every problem on stderr, nothing on stdout', async () => {
    const doc = getPreset('lenet');
    doc.nodes[1].params.filters = 0;
    doc.edges.push({ id: 'e99', source: 'dense3', sourcePort: 'out', target: 'ghost', targetPort: 'in' });
    const { code, stdout, stderr } = await summary(
      '--file',
      writeGraph('invalid.json', serializeGraphDocument(doc)),
      '--json',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([
      expect.stringMatching(/invalid\.json: the graph is not valid \(2 problems\):$/),
      '  - edge e99: target node "ghost" does not exist',
      '  - node conv1: filters must be a whole number from 1 to 8192, got 0',
    ]);
  });

  it('a 5,000-node cycle: one short line for it, not a path per node (245 MB before)', async () => {
    const path = writeGraph('ring.json', serializeGraphDocument(activationRing(5000)));
    const { code, stderr } = await summary('--file', path);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'node a0: is part of a cycle (a0 → a1 → a2 → … → a4998 → a4999 → a0; 5,000 nodes in the cycle)',
    );
    expect(stderr.length).toBeLessThan(4096);
  });

  it('wrong arguments: usage and exit 2', async () => {
    for (const args of [[], ['--preset'], ['--preset', 'lenet', '--file', 'x.json'], ['--colour']]) {
      const { code, stderr } = await summary(...args);
      expect(code).toBe(2);
      expect(stderr).toContain('Usage: cnn-studio summary');
    }
    expect((await summary('--help')).code).toBe(0);
  });

  // Through the built CLI (bin → dist/engine/cli.mjs; the test setup builds it).
  it('runs as `cnn-studio summary` with exit codes and clean stdout', () => {
    const ok = spawnSync(process.execPath, ['bin/cnn-studio.mjs', 'summary', '--preset', 'lenet', '--json'], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).params).toEqual({ trainable: 61_706, nonTrainable: 0 });
    const bad = spawnSync(process.execPath, ['bin/cnn-studio.mjs', 'summary', '--preset', 'nope'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('the presets are: lenet, alexnet');
  });
});
