/**
 * The real engine behind the rpc: a tiny CNN trains on the synthetic set (in process),
 * its events reach the client in order, the trained model exports to tfjs, stop works.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunEvent } from '../protocol/api';
import { createClient, serveApi, type EngineClient } from '../protocol/rpc';
import { createMemoryTransportPair } from '../protocol/transports/memory';
import { inProcessLauncher } from '../train/launchers';
import { createRunManager } from '../train/run-manager';
import { quickTraining, tinyCnn } from '../train/test-support';
import { createEngineHost, type EngineHost } from './engine-host';

let dataDir: string;
let host: EngineHost;
let client: EngineClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-host-int-'));
  host = createEngineHost({
    dataDir,
    // In process: vitest cannot start the bundled worker from source.
    modules: {
      runs: async () => ({
        createRunManager: (o) =>
          createRunManager({ ...o, launcher: inProcessLauncher(), batchEventIntervalMs: 0 }),
      }),
    },
  });
  const [a, b] = createMemoryTransportPair();
  serveApi(b, host);
  client = createClient(a);
});
afterAll(async () => {
  client.close();
  await host.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

function eventsUntil(runId: () => string, last: RunEvent['kind']): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  return new Promise((resolve) => {
    const off = client.on('run', (event) => {
      seen.push(event);
      if (event.runId === runId() && event.kind === last) {
        off();
        resolve(seen.filter((e) => e.runId === runId()));
      }
    });
  });
}

it('trains over the rpc with events in order, then exports the trained model', async () => {
  let runId = '';
  const finished = eventsUntil(() => runId, 'done');
  runId = (await client.startRun({ graph: tinyCnn(), training: quickTraining({ epochs: 1 }), limit: 256 }))
    .runId;
  const events = await finished;
  const kinds = events.map((e) => e.kind);
  expect(kinds[0]).toBe('started');
  expect(kinds.at(-2)).toBe('epoch');
  expect(kinds.at(-1)).toBe('done');
  expect(kinds.filter((k) => k === 'batch').length).toBeGreaterThan(0);
  expect((await client.getRun(runId)).status).toBe('done');
  expect((await client.getInfo()).backend?.name).toBeTruthy();

  const files = await client.exportModel(tinyCnn(), 'tfjs', runId);
  expect(files[0].path).toBe('model.json');
  expect((await client.importModel(files[0].content)).document.nodes.map((n) => n.type)).toEqual(
    tinyCnn().nodes.map((n) => n.type),
  );
}, 90_000);

it('stops a run on request', async () => {
  let runId = '';
  const stopped = eventsUntil(() => runId, 'done');
  runId = (await client.startRun({ graph: tinyCnn(), training: quickTraining({ epochs: 50 }), limit: 256 }))
    .runId;
  await client.stopRun(runId);
  const last = (await stopped).at(-1);
  expect(last).toMatchObject({ kind: 'done', stopped: true });
  expect((await client.getRun(runId)).status).toBe('stopped');
}, 90_000);
