/**
 * Writing graph files: one canonical text per document (fixed key order, 2-space indent,
 * trailing newline), so saving an unchanged graph changes no bytes and diffs stay small.
 */
import { getNodeType } from '../nodes/registry';
import type { UserBlockDefinition } from '../nodes/user-block';
import { DEFAULT_TRAINING, type GraphDocument, type GraphEdge, type GraphNode } from './document';

/**
 * The document as JSON text in canonical form: top-level, node, edge and training keys in
 * the order of their interfaces; params in their type's schema order; meta keys sorted.
 *
 * @example await writeFile(path, serializeGraphDocument(doc));
 */
export function serializeGraphDocument(doc: GraphDocument): string {
  const ordered = {
    format: doc.format,
    version: doc.version,
    name: doc.name,
    description: doc.description,
    nodes: doc.nodes.map(orderNode),
    edges: doc.edges.map(orderEdge),
    training: Object.fromEntries(
      Object.keys(DEFAULT_TRAINING).map((key) => [key, doc.training[key as keyof typeof DEFAULT_TRAINING]]),
    ),
    layout: { direction: doc.layout.direction },
    meta: sortKeysDeep(doc.meta),
    // Written only when there are some, so documents without blocks read as before.
    blocks: doc.blocks && doc.blocks.length > 0 ? doc.blocks.map(orderBlock) : undefined,
  };
  // JSON.stringify drops the `undefined` optional fields.
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function orderNode(node: GraphNode): Record<string, unknown> {
  return {
    id: node.id,
    type: node.type,
    label: node.label,
    bypassed: node.bypassed,
    expanded: node.expanded,
    // Written only for a frozen node: trainable is the default.
    trainable: node.trainable === false ? false : undefined,
    params: orderParams(node),
    position: { x: node.position.x, y: node.position.y },
  };
}

/** A known type's params in its schema order (filters, kernelSize, …), then any others sorted. */
function orderParams(node: Pick<GraphNode, 'type' | 'params'>): Record<string, unknown> {
  const schemaOrder = getNodeType(node.type)?.params.map((spec) => spec.name) ?? [];
  const known = schemaOrder.filter((name) => name in node.params);
  const others = Object.keys(node.params)
    .filter((name) => !schemaOrder.includes(name))
    .sort();
  return Object.fromEntries([...known, ...others].map((name) => [name, node.params[name]]));
}

function orderBlock(block: UserBlockDefinition): Record<string, unknown> {
  return {
    type: block.type,
    label: block.label,
    doc: block.doc,
    exampleInput: block.exampleInput,
    params: block.params.map((param) => ({
      name: param.name,
      label: param.label,
      default: param.default,
      min: param.min,
      max: param.max,
      targets: param.targets.map((target) => ({ node: target.node, param: target.param })),
    })),
    nodes: block.nodes.map((node) => ({
      id: node.id,
      type: node.type,
      label: node.label,
      params: orderParams(node),
    })),
    edges: block.edges.map((edge) => ({ source: edge.source, target: edge.target })),
    output: block.output,
  };
}

function orderEdge(edge: GraphEdge): Record<string, unknown> {
  return {
    id: edge.id,
    source: edge.source,
    sourcePort: edge.sourcePort,
    target: edge.target,
    targetPort: edge.targetPort,
  };
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeysDeep(record[key])]),
    );
  }
  return value;
}
