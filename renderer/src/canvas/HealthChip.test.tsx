// @vitest-environment jsdom
// The overlay must not cost the canvas frames while a run streams events: a health sample
// re-renders only the nodes whose paint changed, and nothing else reaches the nodes.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthEvent, LayerHealth } from '../../../engine/protocol/api';
import { HealthChip, useHealthPaint } from './HealthChip';
import { receiveHealthEvent, resetHealth, setOverlayMetric, showHealthOf } from './health-store';

const renders: Record<string, number> = {};

function PaintedNode({ id }: { id: string }) {
  renders[id] = (renders[id] ?? 0) + 1;
  const paint = useHealthPaint(id);
  return <HealthChip paint={paint} testId={`chip-${id}`} />;
}

const layer = (nodeId: string, zeroShare: number): LayerHealth => ({
  nodeId,
  timeMs: 1,
  activationMean: 0,
  activationStd: 1,
  zeroShare,
  gradNorm: 1,
  updateRatio: 0.001,
});
const sample = (step: number, shares: Record<string, number>): HealthEvent => ({
  kind: 'health',
  runId: 'r',
  epoch: 1,
  batch: step,
  step,
  layers: Object.entries(shares).map(([id, share]) => layer(id, share)),
});

afterEach(() => {
  cleanup();
  resetHealth();
  for (const id of Object.keys(renders)) delete renders[id];
});

describe('painted nodes', () => {
  it('re-render only when their own colour or value changes', () => {
    showHealthOf('r', undefined);
    setOverlayMetric('zeroShare');
    const view = render(
      <>
        <PaintedNode id="a" />
        <PaintedNode id="b" />
        <PaintedNode id="c" />
      </>,
    );
    act(() => receiveHealthEvent(sample(2, { a: 0.1, b: 0.5, c: 0.9 })));
    expect(view.getByTestId('chip-c').textContent).toBe('90%');
    const after = { ...renders };
    // Only a's share changes.
    act(() => receiveHealthEvent(sample(3, { a: 0.7, b: 0.5, c: 0.9 })));
    expect(renders).toEqual({ ...after, a: after.a + 1 });
    // Another run's samples reach no node.
    act(() => receiveHealthEvent({ ...sample(4, { a: 0, b: 0, c: 0 }), runId: 'other' }));
    expect(renders).toEqual({ ...after, a: after.a + 1 });
  });
});
