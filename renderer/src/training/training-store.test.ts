import { beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunRecord } from '../../../engine/protocol/api';
import type { EngineClient } from '../../../engine/protocol/rpc';
import { getPreset } from '../../../engine/presets/index';
import { useEngine } from '../engine/connection';
import { createEditorStore, editorActions, editorStore } from '../store/editor-store';
import {
  getSeries,
  handleRunEvent,
  initTraining,
  refreshRuns,
  panelStatus,
  resetTrainingState,
  runStatus,
  trainingActions,
  useTraining,
} from './training-store';
import { startedEvent, testBackend, testDataset } from './test-fixtures';

const started = (runId: string): RunEvent => startedEvent(runId, 1, 4);

/** A client that records its listeners and answers the calls the store makes on connect. */
function fakeClient(runs: RunRecord[] = []) {
  const listeners: Array<(event: RunEvent) => void> = [];
  const client = {
    on: (_name: string, listener: (event: RunEvent) => void) => {
      listeners.push(listener);
      return () => undefined;
    },
    listRuns: async () => runs,
    listDatasets: async () => [testDataset],
    probeBackend: async () => testBackend,
    startRun: async () => ({ runId: 'started-here' }),
  };
  return { client: client as unknown as EngineClient, listeners };
}

const status = (runId: string) => panelStatus(runStatus(useTraining.getState(), runId));

describe('training store', () => {
  // Each case starts from a fresh window: no runs on show, no engine, an empty graph.
  beforeEach(() => {
    resetTrainingState();
    useEngine.setState({ status: 'connecting', client: null, detail: '' });
    editorStore.setState(createEditorStore().getState(), true);
  });

  it('follows a run through its events: running, paused, done; a stopped run reads as done', () => {
    handleRunEvent(started('a'));
    expect(status('a')).toBe('running');
    expect(useTraining.getState().currentRunId).toBe('a'); // a run starting while nothing is on show is shown
    handleRunEvent({ kind: 'paused', runId: 'a' });
    expect(status('a')).toBe('paused');
    handleRunEvent({ kind: 'resumed', runId: 'a' });
    handleRunEvent({
      kind: 'batch',
      runId: 'a',
      epoch: 1,
      batch: 2,
      batchesPerEpoch: 4,
      loss: 1,
      accuracy: 0.5,
      imagesPerSecond: 10,
      elapsedSeconds: 1,
      etaSeconds: 1,
    });
    expect(getSeries('a').x).toEqual([0.5]);
    const result = {
      trainLoss: 1,
      trainAccuracy: 0.5,
      testLoss: 1,
      testAccuracy: 0.5,
      confusion: [],
      perClassAccuracy: [],
      imagesPerSecond: 10,
    };
    handleRunEvent({ kind: 'done', runId: 'a', stopped: true, result });
    expect(runStatus(useTraining.getState(), 'a')).toBe('stopped');
    expect(status('a')).toBe('done');
  });

  it('keeps a failure message per run, and a new start of that run clears it', () => {
    handleRunEvent(started('b'));
    handleRunEvent({
      kind: 'failed',
      runId: 'b',
      message: 'loss became NaN at epoch 1 batch 2 — the learning rate 1e+38 is probably too high; try 0.1',
    });
    expect(status('b')).toBe('failed');
    expect(useTraining.getState().failures.b).toMatch(/learning rate/);
    handleRunEvent(started('b'));
    expect(useTraining.getState().failures.b).toBeUndefined();
  });

  it('marks live runs failed in plain words when the engine disconnects, keeping their curves', async () => {
    const { client, listeners } = fakeClient();
    useEngine.setState({ status: 'online', client, detail: '' });
    initTraining();
    expect(listeners).toHaveLength(1);
    listeners[0](started('c'));
    listeners[0]({
      kind: 'batch',
      runId: 'c',
      epoch: 1,
      batch: 1,
      batchesPerEpoch: 4,
      loss: 2,
      accuracy: 0.1,
      imagesPerSecond: 10,
      elapsedSeconds: 1,
      etaSeconds: 3,
    });
    useEngine.setState({ status: 'offline', client: null, detail: 'Engine disconnected (socket closed).' });
    expect(status('c')).toBe('failed');
    expect(useTraining.getState().failures.c).toMatch(
      /engine stopped while this run was training \(Engine disconnected \(socket closed\)\)/,
    );
    expect(getSeries('c').x).toHaveLength(1);
  });

  it('refuses to start without an engine, or with a graph that cannot train, saying why', async () => {
    useEngine.setState({ status: 'offline', client: null, detail: '' });
    expect(await trainingActions.start()).toBeNull();
    expect(useTraining.getState().startError).toMatch(/not connected/);
    const { client } = fakeClient();
    useEngine.setState({ status: 'online', client, detail: '' });
    // The editor's document is empty: no input, no output.
    expect(await trainingActions.start()).toBeNull();
    expect(useTraining.getState().startError).toMatch(/Fix the graph first/);
  });

  it('starts a run with a snapshot of the graph, its training settings and the limit', async () => {
    const requests: unknown[] = [];
    const { client } = fakeClient();
    (client as unknown as { startRun: (r: unknown) => Promise<{ runId: string }> }).startRun = async (
      request,
    ) => {
      requests.push(request);
      return { runId: 'snap' };
    };
    useEngine.setState({ status: 'online', client, detail: '' });
    useTraining.setState({
      datasets: [
        { ...testDataset, id: 'fashion-mnist', classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) },
      ],
    });
    editorActions.replaceDocument(getPreset('lenet'));
    trainingActions.setLimit(500);
    expect(await trainingActions.start()).toBe('snap');
    const doc = editorStore.getState().doc;
    const request = requests[0] as { graph: unknown; training: unknown; limit: number };
    expect(request.graph).toEqual(doc);
    expect(request.graph).not.toBe(doc); // later edits do not reach the running request
    expect(request.training).toEqual(doc.training);
    expect(request.limit).toBe(500);
    expect(useTraining.getState().currentRunId).toBe('snap');
    expect(status('snap')).toBe('running');
  });

  it("resumes a run without sending the panel's limit, so the run keeps its checkpoint's", async () => {
    const requests: Array<Record<string, unknown>> = [];
    const { client } = fakeClient();
    (client as unknown as { startRun: (r: Record<string, unknown>) => Promise<{ runId: string }> }).startRun =
      async (request) => {
        requests.push(request);
        return { runId: 'old' };
      };
    useEngine.setState({ status: 'online', client, detail: '' });
    const lenet = getPreset('lenet');
    useTraining.setState({
      runs: [
        {
          id: 'old',
          graph: lenet,
          training: lenet.training,
          status: 'stopped',
          epochs: [],
        } as unknown as RunRecord,
      ],
    });
    trainingActions.setLimit(500);
    expect(await trainingActions.start('old')).toBe('old');
    expect(requests[0].resumeFrom).toBe('old');
    expect(requests[0]).not.toHaveProperty('limit');
  });

  it('after a reload shows the newest run the engine kept, with its epoch curves', async () => {
    useTraining.setState({ currentRunId: null, runs: [] });
    const epochs = [
      { epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.6, seconds: 2 },
    ];
    const record = (id: string, startedAt: string) =>
      ({
        id,
        startedAt,
        status: 'done',
        epochs,
        training: editorStore.getState().doc.training,
        result: null,
      }) as unknown as RunRecord;
    const { client } = fakeClient([
      record('old', '2026-01-01T00:00:00Z'),
      record('new', '2026-02-01T00:00:00Z'),
    ]);
    useEngine.setState({ status: 'online', client, detail: '' });
    await refreshRuns();
    expect(useTraining.getState().currentRunId).toBe('new');
    expect(getSeries('new').testAccuracy).toEqual([0.6]);
  });
});
