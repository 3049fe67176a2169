/**
 * Finds the link under a point, for "drop a node on a link to insert it". Links are
 * approximated by the straight segment between their two node sides, which is close
 * enough for the curves React Flow draws between neighbouring layers.
 */
import type { GraphDocument, XY } from '../../../engine/graph/document';

interface Placed {
  measured: { width?: number; height?: number };
  internals: { positionAbsolute: XY };
}

/** How far (in canvas pixels) from a link still counts as "on" it. */
export const EDGE_HIT_DISTANCE = 28;

export function distanceToSegment(p: XY, a: XY, b: XY): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** The id of the nearest link within reach of `point` that does not touch `exclude`. */
export function edgeUnderPoint(
  doc: GraphDocument,
  point: XY,
  exclude: string,
  placed: (id: string) => Placed | undefined,
): string | null {
  const vertical = doc.layout.direction === 'TB';
  const side = (id: string, out: boolean): XY | null => {
    const n = placed(id);
    if (!n) return null;
    const { x, y } = n.internals.positionAbsolute;
    const w = n.measured.width ?? 0;
    const h = n.measured.height ?? 0;
    if (vertical) return { x: x + w / 2, y: out ? y + h : y };
    return { x: out ? x + w : x, y: y + h / 2 };
  };
  let best: string | null = null;
  let bestDistance = EDGE_HIT_DISTANCE;
  for (const edge of doc.edges) {
    if (edge.source === exclude || edge.target === exclude) continue;
    const a = side(edge.source, true);
    const b = side(edge.target, false);
    if (!a || !b) continue;
    const d = distanceToSegment(point, a, b);
    if (d < bestDistance) {
      bestDistance = d;
      best = edge.id;
    }
  }
  return best;
}
