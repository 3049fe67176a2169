/**
 * A Grad-CAM map drawn over an image: a canvas of the map's own size, stretched by CSS over
 * its positioned parent (the browser's smoothing turns the coarse grid into a soft glow).
 * Clicks go through to what is underneath.
 */
import { useEffect, useRef } from 'react';
import { heatGradientCss, heatmapRgba } from './heatmap';

export function HeatmapOverlay({
  values,
  width,
  height,
  testId = 'gradcam-overlay',
}: {
  values: readonly number[];
  width: number;
  height: number;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    try {
      ctx.putImageData(new ImageData(heatmapRgba(values, width, height), width, height), 0, 0);
    } catch {
      // A map of the wrong size stays blank rather than breaking the panel.
    }
  }, [values, width, height]);
  return (
    <canvas
      ref={canvas}
      className="heatmap-overlay"
      width={width}
      height={height}
      aria-hidden="true"
      data-testid={testId}
    />
  );
}

/** The colour ramp with its meaning, and the layer the maps come from. */
export function HeatmapLegend({
  layer,
  size,
  explains,
}: {
  layer: string | null;
  size: string | null;
  /** What the maps show evidence for, e.g. "the predicted class". */
  explains: string;
}) {
  return (
    <div className="heatmap-legend" data-testid="gradcam-legend">
      <span className="muted small">low</span>
      <span className="heatmap-ramp" style={{ background: heatGradientCss() }} aria-hidden="true" />
      <span className="muted small">high evidence for {explains}</span>
      {layer && (
        <span className="muted small" data-testid="gradcam-layer">
          · Grad-CAM at <code>{layer}</code>
          {size ? ` (${size})` : ''}
        </span>
      )}
    </div>
  );
}
