import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunRecord } from '../protocol/api';
import { createClient, serveApi, type EngineClient } from '../protocol/rpc';
import { createMemoryTransportPair } from '../protocol/transports/memory';
import { createEngineHost, type EngineHost } from './engine-host';
import type { RunManagerLike, RunManagerModule } from './engine-modules';
import { decodeDatasetCache } from '../datasets/cache-format';
import { solid, writePng } from '../datasets/test-support/fixtures';

let dataDir: string;
let host: EngineHost;
let client: EngineClient;
let disposed = 0;

/** A run manager that records calls and emits a started/done pair on start. */
const fakeRuns: RunManagerModule = {
  createRunManager({ emit }) {
    const records = new Map<string, RunRecord>();
    const manager: Partial<RunManagerLike> = {
      async start(request) {
        const runId = `run-${records.size + 1}`;
        records.set(runId, { id: runId, graph: request.graph, status: 'done' } as RunRecord);
        queueMicrotask(() => {
          emit({
            kind: 'started',
            runId,
            backend: { name: 'cpu', device: 'CPU', skipped: [], patchedKernels: [] },
          } as unknown as RunEvent);
          emit({ kind: 'paused', runId });
        });
        return { runId };
      },
      get: async (id) => records.get(id) ?? null,
      modelArtifactsDir: () => null,
      dispose: async () => {
        disposed++;
      },
    };
    return manager as RunManagerLike;
  },
};

function connect(modules: Parameters<typeof createEngineHost>[0]['modules'] = {}) {
  host = createEngineHost({ dataDir, version: '9.9.9', modules });
  const [a, b] = createMemoryTransportPair();
  serveApi(b, host);
  client = createClient(a);
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-host-'));
  disposed = 0;
});
afterEach(async () => {
  client?.close();
  await host?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('engine host over the memory transport', () => {
  it('reports info, lists presets and analyzes a preset like the book (LeNet: 61,706 params)', async () => {
    connect({ runs: async () => fakeRuns });
    expect(await client.getInfo()).toEqual({ version: '9.9.9', backend: null, dataDir });
    const presets = await client.listPresets();
    expect(presets.map((p) => p.id)).toContain('lenet');
    const lenet = await client.getPreset('lenet');
    const analysis = await client.analyze(lenet);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.trainable).toBe(61706);
    await expect(client.getPreset('nope')).rejects.toMatchObject({ name: 'UnknownPresetError' });
    await expect(client.analyze({ format: 'x' } as never)).rejects.toMatchObject({
      name: 'BadArguments',
      message: expect.stringContaining('analyze argument 1 (graph): not a CNN Studio graph'),
    });
  });

  it('lists datasets and returns samples of the synthetic set', async () => {
    connect();
    const datasets = await client.listDatasets();
    expect(datasets.map((d) => d.id)).toEqual(
      expect.arrayContaining(['fashion-mnist', 'mnist', 'synthetic']),
    );
    const samples = await client.getDatasetSamples('synthetic', 3);
    expect(samples).toHaveLength(3);
    expect(samples[0].pixels.length).toBeGreaterThan(0);
    await expect(client.getDatasetSamples('synthetic', 1001)).rejects.toThrow(
      'sample count must be a whole number from 1 to 1000, got 1001',
    );
  });

  it('hands a dataset to a window in slices of its binary cache, which decode to the dataset', async () => {
    connect();
    const slices: Uint8Array[] = [];
    let total = Infinity;
    for (let offset = 0; offset < total;) {
      const chunk = await client.datasetCacheChunk('synthetic', offset, 100_000);
      total = chunk.total;
      slices.push(Buffer.from(chunk.base64, 'base64'));
      offset += slices.at(-1)!.length;
    }
    expect(slices.length).toBeGreaterThan(1);
    const info = (await client.listDatasets()).find((d) => d.id === 'synthetic')!;
    const decoded = decodeDatasetCache('test', Buffer.concat(slices));
    expect([decoded.train.count, decoded.test.count]).toEqual([info.trainSize, info.testSize]);
    expect(decoded.classNames).toEqual(info.classNames);
    await expect(client.datasetCacheChunk('synthetic', total + 1, 10)).rejects.toThrow(
      `offset ${total + 1} is past the end of dataset 'synthetic' (${total} bytes)`,
    );
    await expect(client.datasetCacheChunk('synthetic', 0, 13 * 1024 * 1024)).rejects.toThrow(
      'datasetCacheChunk argument 3 (length): must be at most 12582912',
    );
  });

  it('shows samples of a dataset imported without test images from its training images', async () => {
    connect();
    const folder = join(dataDir, 'shapes');
    for (const [className, colour] of [
      ['red', [255, 0, 0]],
      ['blue', [0, 0, 255]],
    ] as const) {
      await mkdir(join(folder, 'train', className), { recursive: true });
      for (let i = 0; i < 2; i++)
        writePng(join(folder, 'train', className, `${i}.png`), 4, 4, solid(4, 4, [...colour]));
    }
    await mkdir(join(folder, 'test'));
    const info = await client.importDataset({ kind: 'folder', path: folder, name: 'shapes' });
    expect(info.testSize).toBe(0);
    const samples = await client.getDatasetSamples(info.id, 4);
    expect(samples).toHaveLength(4);
    expect(new Set(samples.map((sample) => sample.label))).toEqual(new Set([0, 1]));
  });

  it('delegates runs to the run manager and forwards its events; getInfo learns the backend', async () => {
    connect({ runs: async () => fakeRuns });
    const events: string[] = [];
    client.on('run', (e) => events.push(`${e.kind}:${e.runId}`));
    const { runId } = await client.startRun({
      graph: await client.getPreset('lenet'),
      training: (await client.getPreset('lenet')).training,
    });
    expect(runId).toBe('run-1');
    await expect.poll(() => events).toEqual(['started:run-1', 'paused:run-1']);
    expect((await client.getInfo()).backend?.name).toBe('cpu');
    expect((await client.getRun('run-1')).id).toBe('run-1');
    await expect(client.getRun('zzz')).rejects.toMatchObject({
      name: 'UnknownRun',
      message: "no run with id 'zzz'",
    });
    await expect(client.startRun({ graph: { nodes: 3 }, training: {} } as never)).rejects.toMatchObject({
      name: 'BadArguments',
      message: expect.stringContaining('startRun argument 1 (request): '),
    });
    await host.dispose();
    expect(disposed).toBe(1);
  });

  it('says clearly what this build lacks', async () => {
    connect({ runs: null, backends: null, exporter: null });
    const lenet = await client.getPreset('lenet');
    await expect(client.exportModel(lenet, 'pytorch')).rejects.toMatchObject({
      name: 'NotAvailable',
      message: expect.stringContaining('not available in this build'),
    });
    await expect(client.importModel('{}')).rejects.toMatchObject({ name: 'NotAvailable' });
    await expect(client.listRuns()).rejects.toMatchObject({
      name: 'NotAvailable',
      message: 'Training is not available in this build of the engine.',
    });
  });

  it('exports PyTorch code, and a tfjs model that imports back to the same graph', async () => {
    connect({ runs: async () => fakeRuns });
    const lenet = await client.getPreset('lenet');
    const pytorch = await client.exportModel(lenet, 'pytorch');
    expect(pytorch.map((f) => f.path)).toContain('model.py');
    await expect(client.exportModel(lenet, 'caffe' as never)).rejects.toThrow(
      'exportModel argument 2 (target): expected one of "pytorch", "keras", "tfjs", "onnx", got "caffe"',
    );
    const tfjs = await client.exportModel(lenet, 'tfjs');
    expect(tfjs.map((f) => [f.path, f.encoding])).toEqual([
      ['model.json', 'utf8'],
      ['weights.bin', 'base64'],
    ]);
    expect(Buffer.from(tfjs[1].content, 'base64').length).toBe(61706 * 4);
    const imported = await client.importModel(tfjs[0].content);
    expect(imported).toEqual({ document: lenet, unmapped: [] });
    await expect(client.exportModel(lenet, 'tfjs', 'run-404')).rejects.toMatchObject({ name: 'NoModel' });
  }, 60_000);

  it('saves, lists, reopens projects and keeps recovery', async () => {
    connect();
    const lenet = await client.getPreset('lenet');
    const saved = await client.saveProject('lenet-copy', lenet);
    expect((await client.listProjects()).files.map((f) => f.path)).toEqual([saved.path]);
    const opened = await client.openProject(saved.path);
    expect(opened.document).toEqual(lenet);
    expect((await client.recentProjects()).map((f) => f.name)).toEqual(['lenet-copy']);
    await client.saveRecovery(lenet);
    expect((await client.loadRecovery())?.name).toBe(lenet.name);
    await client.clearRecovery();
    expect(await client.loadRecovery()).toBeNull();
  });

  it('removes the temporary files of interrupted saves from its data folder at start', async () => {
    const projects = join(dataDir, 'projects');
    await mkdir(projects, { recursive: true });
    // What a save killed after opening its temporary file left (writer pid long gone).
    await writeFile(join(projects, '.net.cnn.json.cnnstudio-tmp-999999999-0123456789ab'), '');
    await writeFile(join(projects, 'net.cnn.json'), 'kept');
    const logs: string[] = [];
    connect();
    host.onEvent((name, payload) => {
      if (name === 'log') logs.push((payload as { message: string }).message);
    });
    expect(await host.staleTemporariesRemoved).toHaveLength(1);
    expect(await readdir(projects)).toEqual(['net.cnn.json']);
    expect(logs).toEqual(['removed 1 temporary file(s) left by interrupted saves']);
  });
});
