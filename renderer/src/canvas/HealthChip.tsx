/**
 * A layer's painted training-health figure: `useHealthPaint` gives a node its heat colour
 * and value (selectors returning strings, so a node re-renders only when its own paint
 * changes); `HealthChip` shows the value in that colour.
 */
import type { CSSProperties } from 'react';
import { useHealth } from './health-store';
import { isDarkHeat } from './health-scale';

export interface HealthPaint {
  colour: string | undefined;
  label: string | undefined;
}

export function useHealthPaint(key: string): HealthPaint {
  const colour = useHealth((s) => s.colours[key]);
  const label = useHealth((s) => s.labels[key]);
  return { colour, label };
}

/** The style that carries the paint's colour to the node's halo and chip. */
export function healthStyle(paint: HealthPaint): CSSProperties | undefined {
  return paint.colour ? ({ '--health': paint.colour } as CSSProperties) : undefined;
}

export function HealthChip({ paint, testId }: { paint: HealthPaint; testId: string }) {
  if (!paint.colour) return null;
  return (
    <span
      className={isDarkHeat(paint.colour) ? 'health-chip on-dark' : 'health-chip'}
      data-testid={testId}
      data-colour={paint.colour}
    >
      {paint.label}
    </span>
  );
}
