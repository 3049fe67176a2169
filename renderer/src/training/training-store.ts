/**
 * The training panel's state: datasets, the compute backend, the runs the engine keeps,
 * the run on show, live series, failures and the panel's own choices (limit, runs to
 * compare, view). Run events from the engine feed it; the components only read it.
 *
 * Live series are kept outside the zustand state (they are appended to in place, up to
 * 20 times a second) and announced to charts through `subscribeSeries`; the state only
 * changes on events a person notices (started, epoch, paused, done, failed).
 */
import { create } from 'zustand';
import type {
  BackendInfo,
  DatasetInfo,
  RunEvent,
  RunRecord,
  RunStatus,
  SampleImage,
} from '../../../engine/protocol/api';
import type { EngineClient } from '../../../engine/protocol/rpc';
import { onEngineConnected, useEngine } from '../engine/connection';
import { editorActions, editorStore } from '../store/editor-store';
import { applyRunEvent, emptySeries, seriesFromRecord, type RunSeries } from './series';
import { receiveHealthEvent } from '../canvas/health-store';
import { graphSignature, trainingReadiness } from './readiness';
import { useTrainEngine, windowBackendOf } from '../window-training/engine-choice';
import { useAmpChoice } from './amp-choice';
import { controlWindowRun, startWindowTraining } from '../window-training/window-runs';
import type { WindowBackendName } from '../window-training/adapter-choice';
import { chooseAutoPlacement } from '../window-training/auto-choice';
import { loadWindowGpus } from '../window-training/window-gpus';
import { loadEngineReport, useEngineReport } from './engine-report';

/** What `train-status` shows: the five words tests and people read. */
export type PanelStatus = 'idle' | 'running' | 'paused' | 'done' | 'failed';
export type PanelView = 'curves' | 'evaluate' | 'compare';

export interface TrainingState {
  datasets: DatasetInfo[] | null;
  datasetsError: string | null;
  samples: Record<string, SampleImage[]>;
  backend: BackendInfo | null;
  backendError: string | null;
  runs: RunRecord[];
  /** The run the curves, metrics and evaluation show. */
  currentRunId: string | null;
  /** Status from events, newer than the records until the list is reloaded. */
  liveStatus: Record<string, RunStatus>;
  /** Failure messages per run, in plain words. */
  failures: Record<string, string>;
  /** Why the last start was refused. */
  startError: string | null;
  starting: boolean;
  /** Graph signatures at the start of runs begun here (to mark later edits). */
  startedSignatures: Record<string, string>;
  compare: string[];
  /** Use at most this many training images; null = all. */
  limit: number | null;
  view: PanelView;
}

function initialTrainingState(): TrainingState {
  return {
    datasets: null,
    datasetsError: null,
    samples: {},
    backend: null,
    backendError: null,
    runs: [],
    currentRunId: null,
    liveStatus: {},
    failures: {},
    startError: null,
    starting: false,
    startedSignatures: {},
    compare: [],
    limit: readStoredLimit(),
    view: 'curves',
  };
}

export const useTraining = create<TrainingState>(initialTrainingState);

const LIMIT_KEY = 'cnn-studio.train-limit';

function readStoredLimit(): number | null {
  try {
    const stored = Number(globalThis.localStorage?.getItem(LIMIT_KEY));
    return Number.isInteger(stored) && stored > 0 ? stored : null;
  } catch {
    return null;
  }
}

const set = useTraining.setState;
const get = useTraining.getState;

// ---------- live series ----------

const liveSeries = new Map<string, RunSeries>();
const recordSeries = new Map<string, { epochs: number; series: RunSeries }>();
const seriesListeners = new Set<(runId: string) => void>();

/**
 * Back to a fresh panel: initial state, no cached series. Tests call it between cases so
 * they hold in any order; the app never needs it (one store per window).
 */
export function resetTrainingState(): void {
  set(initialTrainingState(), true);
  liveSeries.clear();
  recordSeries.clear();
}

/** The chart series of a run: live when its events came here, else rebuilt from its record. */
export function getSeries(runId: string): RunSeries {
  const live = liveSeries.get(runId);
  if (live) return live;
  const record = get().runs.find((r) => r.id === runId);
  if (!record) return emptySeries(runId);
  const cached = recordSeries.get(runId);
  if (cached && cached.epochs === record.epochs.length) return cached.series;
  const series = seriesFromRecord(record);
  recordSeries.set(runId, { epochs: record.epochs.length, series });
  return series;
}

/** Calls `listener(runId)` whenever a run's series changed. */
export function subscribeSeries(listener: (runId: string) => void): () => void {
  seriesListeners.add(listener);
  return () => seriesListeners.delete(listener);
}

// ---------- status ----------

export function runStatus(state: TrainingState, runId: string | null): RunStatus | null {
  if (!runId) return null;
  return state.liveStatus[runId] ?? state.runs.find((r) => r.id === runId)?.status ?? null;
}

/** The panel's word for a run status (a stopped run is done: it has a result). */
export function panelStatus(status: RunStatus | null): PanelStatus {
  if (!status) return 'idle';
  return status === 'stopped' ? 'done' : status;
}

export function isActive(status: RunStatus | null): boolean {
  return status === 'running' || status === 'paused';
}

// ---------- engine connection ----------

let initialized = false;

/** Connects the store to the engine (once; again after every reconnection). */
export function initTraining(): void {
  if (initialized) return;
  initialized = true;
  onEngineConnected((client) => {
    client.on('run', handleRunEvent);
    void refreshRuns();
    void loadDatasets();
    void probeBackend();
  });
  useEngine.subscribe((state, previous) => {
    if (previous.client && !state.client) markDisconnected(state.detail);
  });
}

function client(): EngineClient | null {
  return useEngine.getState().client;
}

/** A thrown value as one readable sentence. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Runs that were live when the engine went away fail here, their curves kept. */
function markDisconnected(detail: string): void {
  const state = get();
  const live = Object.entries(state.liveStatus).filter(([, status]) => isActive(status));
  if (live.length === 0) return;
  const liveStatus = { ...state.liveStatus };
  const failures = { ...state.failures };
  for (const [id] of live) {
    liveStatus[id] = 'failed';
    failures[id] =
      `The engine stopped while this run was training${detail ? ` (${detail.replace(/\.$/, '')})` : ''}. ` +
      'Its curves so far are kept; once the engine is back, resume the run from its last checkpoint.';
  }
  set({ liveStatus, failures });
}

export async function refreshRuns(): Promise<void> {
  const engine = client();
  if (!engine) return;
  try {
    const runs = await engine.listRuns();
    runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const state = get();
    // Statuses the records now carry replace what the events said.
    const liveStatus = { ...state.liveStatus };
    const failures = { ...state.failures };
    for (const record of runs) {
      if (liveStatus[record.id] === record.status) delete liveStatus[record.id];
      if (record.status === 'failed' && record.error && !failures[record.id])
        failures[record.id] = record.error;
    }
    set({
      runs,
      liveStatus,
      failures,
      compare: state.compare.filter((id) => runs.some((r) => r.id === id)),
      // After a reload, show the newest run rather than an empty panel.
      ...(state.currentRunId === null && runs.length > 0 ? { currentRunId: runs[0].id } : {}),
    });
  } catch {
    // The list stays as it was; the connection store reports an offline engine.
  }
}

/** (Re)reads the engine's dataset list, e.g. after an import. */
export async function loadDatasets(): Promise<void> {
  const engine = client();
  if (!engine) return;
  try {
    set({ datasets: await engine.listDatasets(), datasetsError: null });
  } catch (error) {
    set({ datasetsError: `Could not list the datasets: ${errorText(error)}` });
  }
}

async function probeBackend(): Promise<void> {
  const engine = client();
  if (!engine || get().backend) return;
  try {
    set({ backend: await engine.probeBackend(), backendError: null });
  } catch (error) {
    set({ backendError: `No compute backend: ${errorText(error)}` });
  }
}

/** Loads (once) a few sample images of a dataset for the picker. */
export async function loadSamples(datasetId: string, count = 10): Promise<void> {
  const engine = client();
  if (!engine || get().samples[datasetId]) return;
  try {
    const samples = await engine.getDatasetSamples(datasetId, count);
    set({ samples: { ...get().samples, [datasetId]: samples } });
  } catch {
    set({ samples: { ...get().samples, [datasetId]: [] } });
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
function refreshSoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refreshRuns();
  }, 150);
}

/** Applies one engine run event. Exported for tests of the panel. */
export function handleRunEvent(event: RunEvent): void {
  // Training health goes to the canvas overlay's own store: no series, no status change.
  if (event.kind === 'health') return receiveHealthEvent(event);
  let series = liveSeries.get(event.runId);
  if (!series) {
    const record = get().runs.find((r) => r.id === event.runId);
    series = record ? structuredCloneSeries(seriesFromRecord(record)) : emptySeries(event.runId);
    liveSeries.set(event.runId, series);
  }
  const before = series.version;
  applyRunEvent(series, event);
  if (series.version !== before) for (const listener of seriesListeners) listener(event.runId);
  if (event.kind === 'batch' || event.kind === 'epoch') {
    if (event.kind === 'epoch') refreshSoon();
    return;
  }
  const state = get();
  const status: RunStatus =
    event.kind === 'done'
      ? event.stopped
        ? 'stopped'
        : 'done'
      : event.kind === 'failed'
        ? 'failed'
        : event.kind === 'paused'
          ? 'paused'
          : 'running';
  const failures = { ...state.failures };
  if (event.kind === 'failed') failures[event.runId] = event.message;
  else if (event.kind === 'started') delete failures[event.runId];
  const current = state.currentRunId;
  // Show a run that starts while nothing live is on show (e.g. started from another window).
  const adopt = event.kind === 'started' && (!current || !isActive(runStatus(state, current)));
  set({
    liveStatus: { ...state.liveStatus, [event.runId]: status },
    failures,
    ...(adopt ? { currentRunId: event.runId } : {}),
  });
  refreshSoon();
}

/**
 * `auto` with this window's GPU counted: the window backend when it is the best place to
 * train (no GPU in the engine, a real one here), else null and the engine's `auto` decides.
 */
async function autoWindowBackend(): Promise<WindowBackendName | null> {
  await loadEngineReport();
  const report = useEngineReport.getState().report;
  if (!report) return null;
  const facts = { choice: report.choices.auto, onGpu: report.gpuAdvice === null };
  const placement = chooseAutoPlacement(facts, await loadWindowGpus());
  return placement.where === 'window' ? placement.backend.name : null;
}

/** Record series are cached; a live copy must not share their arrays. */
function structuredCloneSeries(series: RunSeries): RunSeries {
  return structuredClone(series);
}

// ---------- actions ----------

export const trainingActions = {
  setLimit(limit: number | null): void {
    set({ limit });
    try {
      if (limit) localStorage.setItem(LIMIT_KEY, String(limit));
      else localStorage.removeItem(LIMIT_KEY);
    } catch {
      // private mode: the limit just is not remembered
    }
  },
  setView(view: PanelView): void {
    set({ view });
  },
  show(runId: string | null): void {
    set({ currentRunId: runId });
  },
  toggleCompare(runId: string): void {
    const { compare } = get();
    set({ compare: compare.includes(runId) ? compare.filter((id) => id !== runId) : [...compare, runId] });
  },

  /**
   * Starts a run with a snapshot of the graph and its training settings, or resumes
   * `resumeFrom` from its last checkpoint. Refuses (with the reason in `startError`, the
   * node at fault selected) what cannot train.
   */
  async start(resumeFrom?: string): Promise<string | null> {
    const engine = client();
    if (!engine) {
      set({ startError: 'The engine is not connected, so nothing can train right now.' });
      return null;
    }
    const { doc, analysis } = editorStore.getState();
    const state = get();
    const resumed = resumeFrom ? state.runs.find((r) => r.id === resumeFrom) : undefined;
    if (!resumed) {
      const dataset = state.datasets?.find((d) => d.id === doc.training.dataset);
      const { blocking } = trainingReadiness(analysis, dataset);
      if (blocking) {
        if (blocking.nodeId) editorActions.select({ nodes: [blocking.nodeId], edges: [] });
        set({ startError: blocking.message });
        return null;
      }
    }
    const graph = resumed ? resumed.graph : structuredClone(doc);
    // A resumed run keeps its settings; more epochs in the form let it train longer.
    const training = resumed
      ? { ...resumed.training, epochs: Math.max(resumed.training.epochs, doc.training.epochs) }
      : { ...doc.training };
    set({ starting: true, startError: null });
    try {
      const trainEngine = useTrainEngine.getState().engine;
      const request = {
        graph,
        training,
        // A resumed run keeps its checkpoint's limit (the engine treats a given one as an override).
        ...(state.limit && !resumeFrom ? { limit: state.limit } : {}),
        ...(resumeFrom ? { resumeFrom } : {}),
        // The engine's own engines; a resumed run keeps the one it trained on.
        ...(trainEngine === 'auto' || trainEngine === 'tfjs' || trainEngine === 'pytorch'
          ? { engine: trainEngine }
          : {}),
        // PyTorch's mixed precision, when the panel asks for more than the device's default.
        ...((trainEngine === 'auto' || trainEngine === 'pytorch') && useAmpChoice.getState().amp !== 'auto'
          ? { amp: useAmpChoice.getState().amp }
          : {}),
      };
      // WebGPU/WebGL runs train in this window's worker, registered with the engine; a resumed
      // run goes back where it trained (a window run to this window, on its backend).
      const windowBackend = resumed
        ? (resumed.windowBackend ?? null)
        : trainEngine === 'auto'
          ? await autoWindowBackend()
          : windowBackendOf(trainEngine);
      // Train pressed right after the page opened: the engine's dataset list may still be on its way.
      if (windowBackend && !get().datasets) await loadDatasets();
      const dataset = get().datasets?.find((d) => d.id === training.dataset);
      if (windowBackend && !dataset)
        throw new Error(
          `dataset '${training.dataset}' is not in the engine's list, so the window cannot fetch it`,
        );
      const runId =
        windowBackend && dataset
          ? await startWindowTraining(
              client,
              {
                graph,
                training,
                ...(request.limit ? { limit: request.limit } : {}),
                ...(resumeFrom ? { resumeFrom } : {}),
              },
              dataset,
              windowBackend,
              { started: (event) => set({ backend: event.backend, backendError: null }) },
            )
          : (await engine.startRun(request)).runId;
      const now = get();
      set({
        currentRunId: runId,
        starting: false,
        view: 'curves',
        startedSignatures: { ...now.startedSignatures, [runId]: graphSignature(graph) },
        liveStatus: now.liveStatus[runId] ? now.liveStatus : { ...now.liveStatus, [runId]: 'running' },
      });
      refreshSoon();
      return runId;
    } catch (error) {
      set({ starting: false, startError: `Training did not start: ${errorText(error)}` });
      return null;
    }
  },

  async control(runId: string, action: 'stop' | 'pause' | 'resume'): Promise<void> {
    if (controlWindowRun(runId, action)) return;
    const engine = client();
    if (!engine) return;
    try {
      if (action === 'stop') await engine.stopRun(runId);
      else if (action === 'pause') await engine.pauseRun(runId);
      else await engine.resumeRun(runId);
    } catch (error) {
      set({ startError: `Could not ${action} the run: ${errorText(error)}` });
    }
  },

  async remove(runId: string): Promise<void> {
    const engine = client();
    if (!engine) return;
    try {
      await engine.deleteRun(runId);
      liveSeries.delete(runId);
      recordSeries.delete(runId);
      const state = get();
      set({
        runs: state.runs.filter((r) => r.id !== runId),
        compare: state.compare.filter((id) => id !== runId),
        ...(state.currentRunId === runId ? { currentRunId: null } : {}),
      });
    } catch (error) {
      set({ startError: `Could not delete the run: ${errorText(error)}` });
    }
  },
};
