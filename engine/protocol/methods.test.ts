import { describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../graph/document';
import type { EngineApi, StartRunRequest } from './api';
import { z } from 'zod';
import { checkArguments, fieldsOf, methodArguments } from './methods';
import { createClient, serveApi } from './rpc';
import { createFakeHost } from './test-support';
import { createMemoryTransportPair } from './transports/memory';

const emptyGraph = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'empty', nodes: [], edges: [] };

/** Serves a fake host that records every call that reached it. */
function served(overrides: Partial<EngineApi> = {}) {
  const [editor, engine] = createMemoryTransportPair();
  const reached: string[] = [];
  const host = createFakeHost(overrides);
  const api = host.api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(api)) {
    api[name] = (...args: unknown[]) => {
      reached.push(name);
      return fn(...args);
    };
  }
  serveApi(engine, host);
  return { client: createClient(editor), reached };
}

describe('argument schemas at the wire', () => {
  it('refuses a dataset name of the wrong type before it reaches the engine (was: name?.trim is not a function)', async () => {
    const { client, reached } = served();
    const call = client.importDataset({ kind: 'folder', path: '/data/cats', name: 42 as unknown as string });
    await expect(call).rejects.toMatchObject({
      name: 'BadArguments',
      message: 'importDataset argument 1 (request): name: expected a string, got 42',
    });
    expect(reached).toEqual([]);
  });

  it('refuses a NUL byte in a path with a sentence, not a Node error', async () => {
    const { client, reached } = served();
    await expect(
      client.saveProject('/tmp/a\u0000b.cnn.json', emptyGraph as unknown as GraphDocument),
    ).rejects.toMatchObject({
      name: 'BadArguments',
      message: 'saveProject argument 1 (path): must not contain a NUL byte',
    });
    await expect(client.openProject('')).rejects.toMatchObject({
      message: 'openProject argument 1 (path): must not be empty',
    });
    expect(reached).toEqual([]);
  });

  it('checks graph arguments with the graph file loader and names the field', async () => {
    const { client } = served();
    const graph = { ...emptyGraph, nodes: [{ id: 7, type: 'Dense' }] };
    await expect(client.analyze(graph as unknown as GraphDocument)).rejects.toMatchObject({
      name: 'BadArguments',
      message: expect.stringMatching(/^analyze argument 1 \(graph\): .*nodes\[0\]/),
    });
  });

  it('names enum choices, whole numbers and optional slots', () => {
    expect(checkArguments('exportModel', [emptyGraph, 'caffe'])).toMatchObject({
      ok: false,
      error: {
        message:
          'exportModel argument 2 (target): expected one of "pytorch", "keras", "tfjs", "onnx", got "caffe"',
      },
    });
    expect(checkArguments('misclassified', ['run-1', 2.5])).toMatchObject({
      ok: false,
      error: { message: 'misclassified argument 2 (count): expected a whole number, got 2.5' },
    });
    expect(checkArguments('listProjects', [null])).toEqual({ ok: true, args: [undefined] });
    expect(checkArguments('getPreset', [])).toMatchObject({
      ok: false,
      error: { message: 'getPreset takes 1 argument(s), got 0' },
    });
    expect(checkArguments('saveProject', ['x', emptyGraph, { overwrite: 'yes' }])).toMatchObject({
      ok: false,
      error: { message: 'saveProject argument 3 (options): overwrite: expected a boolean, got "yes"' },
    });
  });

  it('passes parsed values on: the graph with its defaults, training settings completed', () => {
    const checked = checkArguments('startRun', [{ graph: emptyGraph, training: { epochs: 2 } }]);
    if (!checked.ok) throw checked.error;
    const [request] = checked.args as [StartRunRequest];
    expect(request.graph.layout).toEqual({ direction: 'TB' });
    expect(request.training).toMatchObject({ epochs: 2, batchSize: 128 });
  });

  it('has a schema for every argument of every method', () => {
    for (const [method, specs] of Object.entries(methodArguments)) {
      for (const spec of specs) expect(spec.name, method).toMatch(/^[a-zA-Z]+$/);
    }
  });

  it('ties request schemas to their types: a field without a schema, or a schema without a field, fails the typecheck', () => {
    interface Request {
      path: string;
      name?: string;
    }
    // @ts-expect-error `name` (optional) has no schema
    fieldsOf<Request>()({ path: z.string() });
    // @ts-expect-error `extra` is not a field of Request
    fieldsOf<Request>()({ path: z.string(), name: z.string().optional(), extra: z.string() });
    const schema = fieldsOf<Request>()({ path: z.string(), name: z.string().optional() });
    expect(schema.parse({ path: 'a', unknown: 1 })).toEqual({ path: 'a' });
  });
});

describe('evaluation queries', () => {
  const image = { width: 2, height: 2, channels: 1, pixels: 'AAAAAA==', label: 0 };

  it('takes a page of a confusion cell within bounds, and says which bound was crossed', () => {
    expect(checkArguments('confusionCell', ['run-1', 3, 5, 0, 48])).toEqual({
      ok: true,
      args: ['run-1', 3, 5, 0, 48],
    });
    expect(checkArguments('confusionCell', ['run-1', -1, 5, 0, 48])).toMatchObject({
      ok: false,
      error: { message: 'confusionCell argument 2 (trueClass): must be 0 or more' },
    });
    expect(checkArguments('confusionCell', ['run-1', 3, 5, 0, 201])).toMatchObject({
      ok: false,
      error: { message: 'confusionCell argument 5 (count): must be at most 200' },
    });
  });

  it('explains 1 to 64 images, with optional classes', () => {
    expect(checkArguments('classActivations', ['run-1', [image]])).toMatchObject({ ok: true });
    expect(checkArguments('classActivations', ['run-1', [image], [2]])).toMatchObject({ ok: true });
    expect(checkArguments('classActivations', ['run-1', []])).toMatchObject({
      ok: false,
      error: { message: 'classActivations argument 2 (images): must hold at least one image' },
    });
    expect(checkArguments('classActivations', ['run-1', Array(65).fill(image)])).toMatchObject({
      ok: false,
      error: { message: 'classActivations argument 2 (images): must hold at most 64 images' },
    });
  });
});
