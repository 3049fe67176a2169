/**
 * Training health on the canvas: the samples of each run (live from `health` events, or
 * from a finished run's record), the metric the person paints layers by, and — for the run
 * on show — each layer's latest figures and heat colour.
 *
 * Nodes read their own colour and value label with a selector returning a string, so a
 * sample re-renders only the nodes whose colour or label changed; batch events never touch
 * this store, and the canvas itself never re-renders for it. Sample histories are kept
 * outside the zustand state and announced to the charts through `subscribeHealthSamples`.
 */
import { create } from 'zustand';
import type { HealthEvent, HealthMetric, HealthSample, LayerHealth } from '../../../engine/protocol/api';
import { keepHealthSample } from '../../../engine/protocol/layer-health';
import { heatColour, metricScale, type MetricScale } from './health-scale';

export type OverlayMetric = HealthMetric | 'none';

export interface HealthState {
  metric: OverlayMetric;
  /** The run whose figures are painted (the training panel's run on show). */
  runId: string | null;
  /** Its latest figures per layer key (`layerKey`). */
  latest: Record<string, LayerHealth>;
  /** Heat colour per layer key for `metric`; absent where the layer has no such figure. */
  colours: Record<string, string>;
  /** The painted value per layer key, formatted. */
  labels: Record<string, string>;
  /** What the legend shows; null when nothing is painted. */
  scale: MetricScale | null;
  /** Step of the sample on show (0 = none). */
  step: number;
}

/** The key of a graph node's figures, or of a block's inner layer's (`block/inner`). */
export function layerKey(nodeId: string, innerId?: string): string {
  return innerId === undefined ? nodeId : `${nodeId}/${innerId}`;
}

const METRIC_KEY = 'cnn-studio.overlay-metric';

function storedMetric(): OverlayMetric {
  try {
    const stored = globalThis.localStorage?.getItem(METRIC_KEY);
    return (stored as OverlayMetric | null) ?? 'none';
  } catch {
    return 'none';
  }
}

export const useHealth = create<HealthState>(() => ({
  metric: storedMetric(),
  runId: null,
  latest: {},
  colours: {},
  labels: {},
  scale: null,
  step: 0,
}));

const samplesByRun = new Map<string, HealthSample[]>();
const listeners = new Set<(runId: string) => void>();

/** A run's kept samples (live ones, else those its record was shown with). */
export function healthSamples(runId: string | null): readonly HealthSample[] {
  return (runId && samplesByRun.get(runId)) || [];
}

/** Calls `listener(runId)` when a run gets a new sample. */
export function subscribeHealthSamples(listener: (runId: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Repaints from the shown run's latest sample, keeping unchanged entries' identity. */
function repaint(): void {
  const { runId, metric } = useHealth.getState();
  const last = healthSamples(runId).at(-1);
  if (!last) {
    useHealth.setState({ latest: {}, colours: {}, labels: {}, scale: null, step: 0 });
    return;
  }
  const latest: Record<string, LayerHealth> = {};
  for (const layer of last.layers) latest[layerKey(layer.nodeId, layer.innerId)] = layer;
  const colours: Record<string, string> = {};
  const labels: Record<string, string> = {};
  let scale: MetricScale | null = null;
  if (metric !== 'none') {
    scale = metricScale(
      metric,
      last.layers.map((layer) => layer[metric]),
    );
    for (const [key, layer] of Object.entries(latest)) {
      const value = layer[metric];
      if (value === null || !scale) continue;
      colours[key] = heatColour(scale, value);
      labels[key] = scale.format(value);
    }
  }
  useHealth.setState({ latest, colours, labels, scale, step: last.step });
}

/** A `health` run event: kept, and painted when it is the shown run's. */
export function receiveHealthEvent(event: HealthEvent): void {
  const { kind: _kind, runId, ...sample } = event;
  samplesByRun.set(runId, keepHealthSample(samplesByRun.get(runId) ?? [], sample));
  for (const listener of listeners) listener(runId);
  if (useHealth.getState().runId === runId) repaint();
}

/**
 * Shows `runId`'s figures; `recorded` are its record's samples, used when no live ones
 * arrived here (a finished run, or one started before this window opened).
 */
export function showHealthOf(runId: string | null, recorded: readonly HealthSample[] | undefined): void {
  if (runId && recorded && recorded.length > (samplesByRun.get(runId)?.length ?? 0))
    samplesByRun.set(runId, [...recorded]);
  if (useHealth.getState().runId !== runId) useHealth.setState({ runId });
  repaint();
}

export function setOverlayMetric(metric: OverlayMetric): void {
  useHealth.setState({ metric });
  try {
    globalThis.localStorage?.setItem(METRIC_KEY, metric);
  } catch {
    // private mode: not remembered
  }
  repaint();
}

/** Back to nothing shown (tests). */
export function resetHealth(): void {
  samplesByRun.clear();
  useHealth.setState({
    metric: 'none',
    runId: null,
    latest: {},
    colours: {},
    labels: {},
    scale: null,
    step: 0,
  });
}
