/** Fitting a flow into its pane without shrinking text below a readable size. */
import type { Edge, Node, ReactFlowInstance } from '@xyflow/react';

/** Fit the graph, but never blow a small graph up beyond a comfortable size. */
export const FIT_OPTIONS = { padding: 0.12, duration: 200, maxZoom: 1.1 };

/** The zoom below which node text is too small to read. */
const READABLE_ZOOM = 0.6;

/**
 * Fits a freshly loaded graph; a long one that would only fit at an unreadable size is
 * shown from its start (the input) at a readable zoom instead — the minimap shows the rest.
 * `paneElement` is the element the flow fills.
 */
export function readableFit<N extends Node, E extends Edge>(
  flow: ReactFlowInstance<N, E>,
  paneElement: Element | null,
): void {
  const nodes = flow.getNodes().filter((n) => !n.hidden);
  const pane = paneElement?.getBoundingClientRect();
  if (nodes.length === 0 || !pane) return;
  const bounds = flow.getNodesBounds(nodes);
  const fitZoom = Math.min(pane.width / (bounds.width * 1.15), pane.height / (bounds.height * 1.15));
  if (fitZoom >= READABLE_ZOOM) {
    void flow.fitView(FIT_OPTIONS);
    return;
  }
  const zoom = 0.85;
  const tall = bounds.height * pane.width > bounds.width * pane.height;
  const x = tall ? pane.width / 2 - (bounds.x + bounds.width / 2) * zoom : 40 - bounds.x * zoom;
  const y = tall ? 30 - bounds.y * zoom : pane.height / 2 - (bounds.y + bounds.height / 2) * zoom;
  void flow.setViewport({ x, y, zoom }, { duration: 200 });
}
