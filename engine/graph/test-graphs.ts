/**
 * Graph documents for tests of large and odd graphs (long chains, long cycles, odd ids),
 * shared by the graph, compile and import tests so each builds them the same way.
 */
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphNode,
} from './document';

/** A document holding `nodes`, wired by `[source, target]` pairs (edge ids e1, e2, …). */
export function documentOf(
  nodes: readonly GraphNode[],
  links: ReadonlyArray<[string, string]>,
): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'test graph',
    nodes: [...nodes],
    edges: links.map(([source, target], i) => ({
      id: `e${i + 1}`,
      source,
      sourcePort: 'out',
      target,
      targetPort: 'in',
    })),
    training: { ...DEFAULT_TRAINING },
    layout: { direction: 'TB' },
    meta: {},
  };
}

/** A node at 0,0. */
export function nodeOf(id: string, type: string, params: GraphNode['params'] = {}): GraphNode {
  return { id, type, params, position: { x: 0, y: 0 } };
}

/**
 * A valid network: a 2×2×1 input (id `inputId`), `length` ReLU activations named
 * `${prefix}0…`, then Flatten and a 2-unit Dense — tiny enough to run thousands deep.
 */
export function activationChain(length: number, inputId = 'in', prefix = 'a'): GraphDocument {
  const ids = Array.from({ length }, (_, i) => `${prefix}${i}`);
  const nodes = [
    nodeOf(inputId, 'input', { height: 2, width: 2, channels: 1 }),
    ...ids.map((id) => nodeOf(id, 'activation', { fn: 'relu' })),
    nodeOf(`${prefix}_flat`, 'flatten'),
    nodeOf(`${prefix}_out`, 'dense', { units: 2 }),
  ];
  const order = nodes.map((node) => node.id);
  return documentOf(
    nodes,
    order.slice(1).map((id, i): [string, string] => [order[i], id]),
  );
}

/** `activationChain` whose last activation feeds back into the first: one cycle of `length` nodes. */
export function activationRing(length: number): GraphDocument {
  const doc = activationChain(length);
  doc.edges.push({ id: 'back', source: `a${length - 1}`, sourcePort: 'out', target: 'a0', targetPort: 'in' });
  return doc;
}
