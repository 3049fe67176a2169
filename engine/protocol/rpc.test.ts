import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../graph/document';
import { EngineError } from './errors';
import { createClient, serveApi } from './rpc';
import { createFakeHost } from './test-support';
import { createMemoryTransportPair } from './transports/memory';
import type { Transport } from './transport';

const tick = () => new Promise((r) => setTimeout(r, 5));

function setup(overrides: Parameters<typeof createFakeHost>[0] = {}) {
  const [editor, engine] = createMemoryTransportPair();
  const host = createFakeHost(overrides);
  const stop = serveApi(engine, host);
  const client = createClient(editor);
  return { client, host, stop, editor, engine };
}

/** Sends raw frames on a transport and collects what comes back. */
function rawPeer(transport: Transport) {
  const received: unknown[] = [];
  transport.onMessage((m) => received.push(m));
  return { received, send: (m: unknown) => transport.send(m) };
}

describe('rpc over the memory transport', () => {
  it('round-trips arguments and results', async () => {
    const { client } = setup({
      getPreset: async (id) => ({ name: `preset ${id}` }) as GraphDocument,
      getDatasetSamples: async (id, count) =>
        Array.from({ length: count }, (_, i) => ({
          width: 1,
          height: 1,
          channels: 1,
          pixels: 'AA==',
          label: i + id.length,
        })),
    });
    await expect(client.getPreset('lenet')).resolves.toEqual({ name: 'preset lenet' });
    const samples = await client.getDatasetSamples('mnist', 3);
    expect(samples.map((s) => s.label)).toEqual([5, 6, 7]);
  });

  it('passes optional trailing arguments as undefined and resolves void methods', async () => {
    const seen: unknown[][] = [];
    const { client } = setup({
      listProjects: async (...args) => {
        seen.push(args);
        return { directory: args[0] ?? '/default', files: [] };
      },
      clearRecovery: async () => {},
      loadRecovery: async () => null,
    });
    await expect(client.listProjects()).resolves.toEqual({ directory: '/default', files: [] });
    await expect(client.listProjects(undefined)).resolves.toEqual({ directory: '/default', files: [] });
    await expect(client.listProjects('/x')).resolves.toEqual({ directory: '/x', files: [] });
    expect(seen).toEqual([[], [], ['/x']]);
    await expect(client.clearRecovery()).resolves.toBeNull();
    await expect(client.loadRecovery()).resolves.toBeNull();
  });

  it('re-throws remote errors as EngineError with the remote name, message and issues', async () => {
    class GraphInvalidError extends Error {
      issues = [{ severity: 'error', code: 'cycle', message: 'the graph has a cycle' }];
      constructor() {
        super('graph is invalid: the graph has a cycle');
        this.name = 'GraphInvalidError';
      }
    }
    const { client } = setup({
      listRuns: async () => {
        throw new GraphInvalidError();
      },
    });
    const error = await client.listRuns().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({
      name: 'GraphInvalidError',
      message: 'graph is invalid: the graph has a cycle',
    });
    expect((error as EngineError).data).toEqual({
      issues: [{ severity: 'error', code: 'cycle', message: 'the graph has a cycle' }],
    });
  });

  it('logs the stack of a bug in the host while the caller gets the error', async () => {
    const [editor, engine] = createMemoryTransportPair();
    const logs: string[] = [];
    serveApi(engine, createFakeHost({ listRuns: async () => (null as unknown as { x: () => never }).x() }), {
      log: (m) => logs.push(m),
    });
    await expect(createClient(editor).listRuns()).rejects.toMatchObject({ name: 'TypeError' });
    expect(logs[0]).toMatch(/^listRuns failed with a bug: TypeError: .*\n\s+at /);
  });

  it('delivers events to the matching listeners until they unsubscribe', async () => {
    const { client, host } = setup();
    const runs: unknown[] = [];
    const logs: unknown[] = [];
    const off = client.on('run', (e) => runs.push(e.kind));
    client.on('log', (e) => logs.push(e.message));
    host.emit('run', { kind: 'paused', runId: 'r1' });
    host.emit('log', { level: 'info', message: 'hello' });
    host.emit('run', { kind: 'resumed', runId: 'r1' });
    await tick();
    off();
    host.emit('run', { kind: 'paused', runId: 'r1' });
    await tick();
    expect(runs).toEqual(['paused', 'resumed']);
    expect(logs).toEqual(['hello']);
  });

  it('cancels with an AbortSignal: the call rejects, the server drops the answer', async () => {
    let release: () => void = () => {};
    const { client, editor } = setup({ stopRun: () => new Promise<void>((r) => (release = r)) });
    const frames: unknown[] = [];
    editor.onMessage((m) => frames.push(m));
    const controller = new AbortController();
    const call = client.withSignal(controller.signal).stopRun('r1');
    await tick();
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    release();
    await tick();
    expect(frames).toEqual([]); // the server sent no response for the cancelled id
  });

  it('cancels with the returned cancel(), and refuses calls on an aborted signal', async () => {
    const { client } = setup({ stopRun: () => new Promise<void>(() => {}) });
    const call = client.call('stopRun', ['r1']);
    call.cancel();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    controller.abort();
    await expect(client.call('getInfo', [], { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects pending calls when the transport closes, and later calls at once', async () => {
    const { client, engine, host } = setup({ stopRun: () => new Promise<void>(() => {}) });
    const closed: unknown[] = [];
    client.onClose((reason) => closed.push(reason));
    const call = client.stopRun('r1');
    await tick();
    engine.close();
    await expect(call).rejects.toMatchObject({ name: 'EngineDisconnected' });
    await expect(client.getInfo()).rejects.toMatchObject({ name: 'EngineDisconnected' });
    expect(client.closed).toBe(true);
    expect(closed).toHaveLength(1);
    expect(host.listenerCount()).toBe(0); // the server stopped forwarding events
  });

  it('answers malformed requests with error responses naming the problem', async () => {
    const [editor, engine] = createMemoryTransportPair();
    serveApi(engine, createFakeHost({ getPreset: async (id) => ({ name: id }) as GraphDocument }));
    const peer = rawPeer(editor);
    peer.send({ type: 'request', id: 1, method: 'nope', params: [] });
    peer.send({ type: 'request', id: 2, method: 'getPreset', params: [] });
    peer.send({ type: 'request', id: 3, method: 'getPreset', params: [42] });
    peer.send({ type: 'request', id: 4, method: 'toString', params: [] });
    peer.send({ type: 'request', id: 5, method: 'getPreset', params: 'x' });
    peer.send({ type: 'hello' });
    peer.send('{"type":"request","id":6, bad json');
    peer.send({ type: 'request', id: 7, method: 'getPreset', params: ['ok'] });
    await tick();
    const byId = new Map(peer.received.map((m) => [(m as { id: number }).id, m]));
    expect(byId.get(1)).toMatchObject({ error: { name: 'UnknownMethod', message: "unknown method 'nope'" } });
    expect(byId.get(2)).toMatchObject({
      error: { name: 'BadArguments', message: 'getPreset takes 1 argument(s), got 0' },
    });
    expect(byId.get(3)).toMatchObject({
      error: { name: 'BadArguments', message: 'getPreset argument 1 (id): expected a string, got 42' },
    });
    expect(byId.get(4)).toMatchObject({ error: { name: 'UnknownMethod' } });
    expect(byId.get(5)).toMatchObject({
      error: { name: 'BadMessage', message: 'request params must be an array' },
    });
    expect(byId.get(6)).toMatchObject({
      error: { name: 'BadMessage', message: 'message is not valid JSON' },
    });
    expect(byId.get(7)).toEqual({ type: 'response', id: 7, result: { name: 'ok' } });
    expect(peer.received.filter((m) => (m as { id: unknown }).id === null)).toHaveLength(1); // the 'hello'
  });

  it('refuses oversized text messages with an error response', async () => {
    const [editor, engine] = createMemoryTransportPair();
    serveApi(engine, createFakeHost({ getPreset: async (id) => ({ name: id }) as GraphDocument }), {
      maxMessageBytes: 1000,
    });
    const peer = rawPeer(editor);
    peer.send(JSON.stringify({ type: 'request', id: 9, method: 'getPreset', params: ['x'.repeat(2000)] }));
    await tick();
    expect(peer.received).toEqual([
      {
        type: 'response',
        id: 9,
        error: {
          name: 'BadMessage',
          message: expect.stringContaining('larger than the limit of 1000 bytes'),
        },
      },
    ]);
  });

  it('logs a few refused frames and then one summary line, not a line per frame', async () => {
    const [editor, engine] = createMemoryTransportPair();
    const logs: string[] = [];
    const stop = serveApi(engine, createFakeHost(), { log: (m) => logs.push(m), refusedLogBurst: 5 });
    for (let i = 0; i < 3000; i++) editor.send(`junk ${i}`);
    await tick();
    expect(logs).toHaveLength(5);
    stop(); // ends the interval early: its summary is written
    expect(logs).toHaveLength(6);
    expect(logs[5]).toBe('refused 2,995 more messages in the last 10 s');
  });

  it('survives thousands of random frames and still answers', async () => {
    const [editor, engine] = createMemoryTransportPair();
    serveApi(engine, createFakeHost({ getPreset: async (id) => ({ name: id }) as GraphDocument }));
    const peer = rawPeer(editor);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const values = (): unknown =>
      pick([null, 0, -1, 1.5, 2 ** 60, '', 'x', [], {}, true, 'getPreset', 'request', [1, 2], { a: 1 }]);
    for (let i = 0; i < 3000; i++) {
      const kind = random();
      if (kind < 0.3) {
        // random printable garbage, sometimes JSON-looking
        const chars = Array.from({ length: Math.floor(random() * 60) }, () =>
          String.fromCharCode(32 + Math.floor(random() * 95)),
        );
        peer.send((random() < 0.5 ? '{"type":"request",' : '') + chars.join(''));
      } else if (kind < 0.8) {
        peer.send({
          type: pick(['request', 'cancel', 'response', 'event', 'x', undefined]),
          id: values(),
          method: pick(['getPreset', 'analyze', 'nope', '__proto__', 'constructor', values()]),
          params: pick([[], [values()], [values(), values()], values()]),
          name: values(),
        });
      } else {
        peer.send(values());
      }
    }
    peer.send({ type: 'request', id: 424242, method: 'getPreset', params: ['still-alive'] });
    await tick();
    await tick();
    expect(peer.received).toContainEqual({ type: 'response', id: 424242, result: { name: 'still-alive' } });
    expect(peer.received.length).toBeGreaterThan(2000);
  });
});
