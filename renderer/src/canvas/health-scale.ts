/**
 * How a training-health metric becomes a heat colour: its name and unit, a scale over the
 * layers' values (logarithmic for figures that span decades: time, gradient norm, update
 * ratio; fixed 0–1 for the share of zeros; linear otherwise) and a colour ramp from pale
 * yellow (low) to dark red (high), quantized so small changes do not repaint a node.
 */
import type { HealthMetric } from '../../../engine/protocol/api';

export const METRIC_LABELS: Record<HealthMetric, string> = {
  timeMs: 'Time (forward + backward)',
  activationMean: 'Activation mean',
  activationStd: 'Activation std',
  zeroShare: 'Zeros after ReLU',
  gradNorm: 'Gradient norm',
  updateRatio: 'Update ratio ‖Δw‖/‖w‖',
};

/** Short names for the inspector's narrow list (the full name is its title). */
export const METRIC_SHORT_LABELS: Record<HealthMetric, string> = {
  timeMs: 'Time',
  activationMean: 'Mean',
  activationStd: 'Std',
  zeroShare: 'Zeros',
  gradNorm: 'Grad norm',
  updateRatio: 'Update ratio',
};

/** What each figure tells, for titles and the inspector. */
export const METRIC_HINTS: Record<HealthMetric, string> = {
  timeMs: 'milliseconds of this layer’s forward and backward pass on a sampled batch',
  activationMean: 'mean of the layer’s output values',
  activationStd: 'spread of the layer’s output values; near 0 means the layer passes little on',
  zeroShare: 'share of output values that are 0; near 100% after a ReLU means dead units',
  gradNorm: 'size of the gradient of the layer’s weights; tiny values mean vanishing gradients',
  updateRatio: 'how much one step changes the weights relative to their size; about 0.001 is healthy',
};

export interface MetricScale {
  metric: HealthMetric;
  min: number;
  max: number;
  log: boolean;
  format: (value: number) => string;
}

/** YlOrRd: readable under dark text at the low end, strong at the high end. */
const RAMP = [
  '#ffffcc',
  '#ffeda0',
  '#fed976',
  '#feb24c',
  '#fd8d3c',
  '#fc4e2a',
  '#e31a1c',
  '#bd0026',
  '#800026',
];

/** The ramp's colours, low to high (the legend's gradient). */
export const HEAT_RAMP: readonly string[] = RAMP;

function formatNumber(value: number): string {
  const size = Math.abs(value);
  if (size === 0) return '0';
  if (size >= 1000 || size < 0.01) return value.toExponential(1);
  return value.toPrecision(size >= 100 ? 3 : 2);
}

const FORMATS: Record<HealthMetric, (value: number) => string> = {
  timeMs: (v) => `${v >= 10 ? v.toFixed(0) : v.toFixed(v >= 1 ? 1 : 2)} ms`,
  activationMean: formatNumber,
  activationStd: formatNumber,
  zeroShare: (v) => `${(v * 100).toFixed(0)}%`,
  gradNorm: formatNumber,
  updateRatio: formatNumber,
};

export function formatMetric(metric: HealthMetric, value: number | null): string {
  return value === null ? '—' : FORMATS[metric](value);
}

const LOG_METRICS = new Set<HealthMetric>(['timeMs', 'gradNorm', 'updateRatio']);

/** The scale over the layers' values of `metric`; null when no layer has one. */
export function metricScale(metric: HealthMetric, values: ReadonlyArray<number | null>): MetricScale | null {
  const log = LOG_METRICS.has(metric);
  const usable = values.filter((v): v is number => v !== null && Number.isFinite(v) && (!log || v > 0));
  if (usable.length === 0) return null;
  const [min, max] = metric === 'zeroShare' ? [0, 1] : [Math.min(...usable), Math.max(...usable)];
  return { metric, min, max, log, format: FORMATS[metric] };
}

/** Position of `value` on the scale, 0–1. */
export function scalePosition(scale: MetricScale, value: number): number {
  const at = (v: number) => (scale.log ? Math.log(Math.max(v, scale.min)) : v);
  const low = at(scale.min);
  const high = at(scale.max);
  if (!(high > low)) return 0.5;
  return Math.min(1, Math.max(0, (at(value) - low) / (high - low)));
}

/** Whether white text reads better than dark text on this ramp colour (the three darkest steps). */
export function isDarkHeat(colour: string): boolean {
  return RAMP.indexOf(colour) >= RAMP.length - 3;
}

/** The ramp colour of `value` (one of the ramp's nine steps). */
export function heatColour(scale: MetricScale, value: number): string {
  return RAMP[Math.round(scalePosition(scale, value) * (RAMP.length - 1))];
}
