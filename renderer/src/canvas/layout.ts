/**
 * Tidy layout with elkjs's layered algorithm, in the document's direction. Edges keep
 * their file order (ELK's model-order option), so Inception branches and DenseNet's
 * concatenations come out in a stable, readable order instead of crossing at random.
 */
import type ELKType from 'elkjs/lib/elk.bundled.js';
import type { GraphDocument, XY } from '../../../engine/graph/document';

export interface Size {
  width: number;
  height: number;
}

/** A node's size before React Flow measured it. */
export const DEFAULT_NODE_SIZE: Size = { width: 180, height: 80 };

let elk: InstanceType<typeof ELKType> | null = null;

/** New positions for every node, snapped to `grid`. */
export async function tidyLayout(
  doc: GraphDocument,
  sizeOf: (id: string) => Size | undefined,
  grid = 16,
): Promise<Map<string, XY>> {
  // ELK is large; load it on the first tidy rather than with the page.
  if (!elk) {
    const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
    elk = new ELK();
  }
  const vertical = doc.layout.direction === 'TB';
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': vertical ? 'DOWN' : 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': vertical ? '56' : '72',
      'elk.spacing.nodeNode': vertical ? '40' : '28',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
      'elk.separateConnectedComponents': 'true',
    },
    children: doc.nodes.map((n) => ({ id: n.id, ...(sizeOf(n.id) ?? DEFAULT_NODE_SIZE) })),
    edges: doc.edges
      .filter((e) => e.source !== e.target)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const result = await elk.layout(graph);
  const snap = (v: number) => Math.round(v / grid) * grid;
  return new Map((result.children ?? []).map((c) => [c.id, { x: snap(c.x ?? 0), y: snap(c.y ?? 0) }]));
}
