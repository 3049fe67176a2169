import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UserBlockDefinition } from '../nodes/user-block';
import { createBlockLibrary } from './block-library';

const pool: UserBlockDefinition = {
  type: 'user.halve',
  label: 'Halve',
  exampleInput: [8, 8, 3],
  nodes: [{ id: 'pool', type: 'maxPool2d', params: { poolSize: 2 } }],
  edges: [{ source: '$in', target: 'pool' }],
  output: 'pool',
  params: [],
};

describe('the block library file', () => {
  it('is empty before anything is saved, and reads back what was saved', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'blocks-'));
    const library = createBlockLibrary({ dataDir });
    expect(await library.list()).toEqual([]);
    await library.save([pool]);
    expect(await library.list()).toEqual([pool]);
    expect(JSON.parse(readFileSync(join(dataDir, 'blocks.json'), 'utf8'))).toMatchObject({
      format: 'cnn-studio-blocks',
      version: 1,
    });
  });

  it('refuses a broken file naming it and the field, and leaves it as it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'blocks-'));
    const file = join(dataDir, 'blocks.json');
    const text = JSON.stringify({ format: 'cnn-studio-blocks', version: 1, blocks: [{ ...pool, nodes: 3 }] });
    writeFileSync(file, text);
    await expect(createBlockLibrary({ dataDir }).list()).rejects.toThrow(`${file}: blocks[0].nodes:`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
