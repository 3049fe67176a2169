/** The engine host's importModel hands the editor a graph CNN Studio reads, or the problems. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMPORT_REPAIRS_META_KEY } from '../export/import-repair';
import { analyzeGraph } from '../graph/analyze';
import { createEngineHost, type EngineHost } from './engine-host';

let dataDir: string;
let host: EngineHost;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-import-'));
  host = createEngineHost({ dataDir, version: '9.9.9' });
});
afterEach(async () => {
  await host.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const sequential = (...layers: Array<[string, Record<string, unknown>]>) =>
  JSON.stringify({
    modelTopology: {
      class_name: 'Sequential',
      config: { layers: layers.map(([class_name, config]) => ({ class_name, config })) },
    },
  });

describe('EngineApi.importModel', () => {
  it('repairs a layer with no name and says so in the graph', async () => {
    const model = sequential(
      ['InputLayer', { name: 'image', batch_input_shape: [null, 8, 8, 1] }],
      ['Flatten', { name: 'flat' }],
      ['Dense', { name: '', units: 3 }],
    );
    const { document } = await host.api.importModel(model);
    expect(analyzeGraph(document).valid).toBe(true);
    expect(document.meta[IMPORT_REPAIRS_META_KEY]).toEqual(['layer 3 (Dense) had no name: named dense_3']);
  });

  it('refuses a graph that is still invalid with the problems, not a broken graph', async () => {
    const model = sequential(
      ['InputLayer', { name: 'image', batch_input_shape: [null, 8, 8, 1] }],
      ['Flatten', { name: 'flat' }],
      ['Dense', { name: 'out' }],
    );
    await expect(host.api.importModel(model)).rejects.toMatchObject({
      name: 'InvalidImport',
      message: expect.stringContaining('node out: units was missing in the model'),
      data: { problems: [expect.stringContaining('units was missing')] },
    });
  });
});
