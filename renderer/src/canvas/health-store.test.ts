import { beforeEach, describe, expect, it } from 'vitest';
import type { HealthEvent, LayerHealth } from '../../../engine/protocol/api';
import { heatColour, HEAT_RAMP, metricScale } from './health-scale';
import { receiveHealthEvent, resetHealth, setOverlayMetric, showHealthOf, useHealth } from './health-store';

const layer = (nodeId: string, figures: Partial<LayerHealth> = {}, innerId?: string): LayerHealth => ({
  nodeId,
  ...(innerId ? { innerId } : {}),
  timeMs: 1,
  activationMean: 0.5,
  activationStd: 0.2,
  zeroShare: 0.5,
  gradNorm: 0.1,
  updateRatio: 0.001,
  ...figures,
});

const event = (runId: string, step: number, layers: LayerHealth[]): HealthEvent => ({
  kind: 'health',
  runId,
  epoch: 1,
  batch: step,
  step,
  layers,
});

beforeEach(() => resetHealth());

describe('health overlay store', () => {
  it('paints the shown run by the chosen metric, low pale and high dark', () => {
    showHealthOf('r1', undefined);
    setOverlayMetric('timeMs');
    receiveHealthEvent(
      event('r1', 2, [layer('a', { timeMs: 1 }), layer('b', { timeMs: 100 }), layer('c', { timeMs: null })]),
    );
    const state = useHealth.getState();
    expect(state.colours.a).toBe(HEAT_RAMP[0]);
    expect(state.colours.b).toBe(HEAT_RAMP.at(-1));
    expect(state.colours.c).toBeUndefined();
    expect(state.labels.b).toBe('100 ms');
    expect(state.scale).toMatchObject({ min: 1, max: 100, log: true });
  });

  it('keeps other runs’ samples without repainting, and paints a block’s inner layers by key', () => {
    showHealthOf('r1', undefined);
    setOverlayMetric('zeroShare');
    receiveHealthEvent(
      event('r1', 2, [layer('a', { zeroShare: 1 }), layer('res', { zeroShare: 0 }, 'relu1')]),
    );
    const before = useHealth.getState().colours;
    receiveHealthEvent(event('r2', 5, [layer('a', { zeroShare: 0 })]));
    expect(useHealth.getState().colours).toBe(before);
    expect(before['res/relu1']).toBe(HEAT_RAMP[0]);
    showHealthOf('r2', undefined);
    expect(useHealth.getState().colours.a).toBe(HEAT_RAMP[0]);
  });

  it('shows a finished run from its record, and paints nothing for "none"', () => {
    showHealthOf('old', [{ epoch: 1, batch: 3, step: 3, layers: [layer('a')] }]);
    expect(useHealth.getState().step).toBe(3);
    setOverlayMetric('none');
    expect(useHealth.getState().colours).toEqual({});
    expect(useHealth.getState().latest.a.gradNorm).toBe(0.1);
  });

  it('scales the share of zeros 0–100% whatever the layers hold', () => {
    const scale = metricScale('zeroShare', [0.4, 0.5])!;
    expect(heatColour(scale, 0.5)).toBe(HEAT_RAMP[4]);
    expect(metricScale('gradNorm', [null, 0])).toBeNull();
  });
});
