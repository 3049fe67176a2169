/**
 * "Make block": selected layers become the definition of a block of the person's own
 * (engine/nodes/user-block.ts) and are replaced by one instance of it, wired the same; and
 * the other edits of definitions. Pure functions of the document, so the store applies each
 * as one undo step.
 */
import type { GraphDocument, GraphEdge, GraphNode, ParamValue, Shape } from '../../../engine/graph/document';
import type { GraphAnalysis } from '../../../engine/graph/types';
import { defaultParams } from '../../../engine/nodes/params';
import { getNodeType } from '../../../engine/nodes/registry';
import {
  EXPOSABLE_KINDS,
  USER_BLOCK_PREFIX,
  userBlockProblems,
  type ExposedParam,
  type UserBlockDefinition,
} from '../../../engine/nodes/user-block';
import {
  isUserBlockType,
  registeredUserBlock,
  registerUserBlocks,
} from '../../../engine/nodes/user-block-registry';
import { freshId } from './ids';

/** An inner param the dialog offers to expose, with the value it has now. */
export interface ExposableParam {
  node: string;
  param: string;
  /** "conv1 · Filters". */
  label: string;
  /** The inner param's own label ("Filters"). */
  paramLabel: string;
  kind: (typeof EXPOSABLE_KINDS)[number];
  value: ParamValue;
  min?: number;
  max?: number;
}

/** What the selection would become: the inner layers and how the block sits in the graph. */
export interface BlockDraft {
  nodes: UserBlockDefinition['nodes'];
  edges: UserBlockDefinition['edges'];
  output: string;
  exampleInput: number[];
  exposable: ExposableParam[];
  /** Inner id of each selected node id. */
  innerIds: Map<string, string>;
  /** The one node outside feeding the selection (and its port). */
  source: { node: string; port: string };
  /** The selected node whose output leaves the selection. */
  outputNode: string;
}

/** The choices made in the dialog. */
export interface MakeBlockOptions {
  label: string;
  params: ExposedParam[];
}

/** An identifier from free text, camel case: `Conv BN ReLU` → `convBnRelu`. */
export function identifierFrom(text: string, fallback = 'block'): string {
  const words = text.match(/[A-Za-z0-9]+/g) ?? [];
  const camel = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  return /^[A-Za-z]/.test(camel) ? camel : `${fallback}${camel}`;
}

/** The type id a new definition named `label` gets: `user.<identifier>`, numbered when taken. */
export function blockTypeFor(label: string, taken: ReadonlySet<string>): string {
  const base = `${USER_BLOCK_PREFIX}${identifierFrom(label)}`;
  if (!taken.has(base) && !getNodeType(base)) return base;
  let n = 2;
  while (taken.has(`${base}${n}`) || getNodeType(`${base}${n}`)) n++;
  return `${base}${n}`;
}

/**
 * What the selected nodes would become as a block, or why they cannot: one input (every link
 * in comes from the same outside node), one output (every link out leaves from the same
 * selected node), no Input node, no block of the person's own inside, inner shapes known.
 */
export function draftBlock(
  doc: GraphDocument,
  analysis: GraphAnalysis,
  selected: readonly string[],
): { draft: BlockDraft } | { problem: string } {
  const inside = new Set(selected);
  const nodes = doc.nodes.filter((n) => inside.has(n.id));
  if (nodes.length === 0) return { problem: 'Select the layers to make a block of.' };
  if (nodes.some((n) => n.type === 'input')) return { problem: 'A block cannot hold the Input layer.' };
  if (nodes.some((n) => n.type.startsWith(USER_BLOCK_PREFIX)))
    return { problem: 'A block cannot hold another block of your own.' };
  if (nodes.some((n) => n.bypassed)) return { problem: 'Un-bypass the selected layers first.' };
  const incoming = doc.edges.filter((e) => inside.has(e.target) && !inside.has(e.source));
  const outgoing = doc.edges.filter((e) => inside.has(e.source) && !inside.has(e.target));
  const sources = new Set(incoming.map((e) => `${e.source}\u0000${e.sourcePort}`));
  if (sources.size !== 1)
    return {
      problem: `A block has one input: the selection is fed from ${sources.size === 0 ? 'nothing' : `${sources.size} places`}.`,
    };
  const exits = new Set(outgoing.map((e) => e.source));
  const order = analysis.order.filter((id) => inside.has(id));
  if (order.length !== nodes.length) return { problem: 'Fix the errors in the selection first.' };
  const sinks = nodes.filter((n) => !doc.edges.some((e) => e.source === n.id && inside.has(e.target)));
  if (exits.size > 1 || (exits.size === 0 && sinks.length !== 1))
    return { problem: 'A block has one output: more than one selected layer leads out of the selection.' };
  const outputNode = exits.size === 1 ? [...exits][0] : sinks[0].id;
  const inputShape = analysis.nodes[incoming[0].source]?.outputShape;
  if (!inputShape || order.some((id) => !analysis.nodes[id]?.outputShape))
    return { problem: 'Fix the errors in the selection first: its shapes must be known.' };

  const innerIds = innerIdsFor(order);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const innerNodes = order.map((id) => {
    const node = byId.get(id)!;
    return {
      id: innerIds.get(id)!,
      type: node.type,
      params: { ...node.params },
      ...(node.label ? { label: node.label } : {}),
    };
  });
  // Edges in document order, so multi-port inputs (add, concat) keep their order.
  const innerEdges = doc.edges
    .filter((e) => inside.has(e.target))
    .map((e) => ({
      source: inside.has(e.source) ? innerIds.get(e.source)! : '$in',
      target: innerIds.get(e.target)!,
    }));
  return {
    draft: {
      nodes: innerNodes,
      edges: innerEdges,
      output: innerIds.get(outputNode)!,
      exampleInput: [...(inputShape as Shape)],
      exposable: exposableParams(innerNodes),
      innerIds,
      source: { node: incoming[0].source, port: incoming[0].sourcePort },
      outputNode,
    },
  };
}

/** Inner ids: the node ids made identifiers (`conv-1` → `conv_1`), unique. */
function innerIdsFor(ids: readonly string[]): Map<string, string> {
  const taken = new Set<string>(['x', 'self', 'name', 'repeat']);
  const result = new Map<string, string>();
  for (const id of ids) {
    let base = id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, '') || 'layer';
    if (/^r\d+_/.test(base)) base = `l${base}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    result.set(id, name);
  }
  return result;
}

function exposableParams(nodes: BlockDraft['nodes']): ExposableParam[] {
  return nodes.flatMap((node) => {
    const def = getNodeType(node.type);
    if (!def) return [];
    const values = { ...defaultParams(node.type), ...node.params };
    return def.params.flatMap((spec): ExposableParam[] =>
      (EXPOSABLE_KINDS as readonly string[]).includes(spec.kind)
        ? [
            {
              node: node.id,
              param: spec.name,
              label: `${node.label ?? node.id} · ${spec.label}`,
              paramLabel: spec.label,
              kind: spec.kind as ExposableParam['kind'],
              value: values[spec.name],
              ...('min' in spec && spec.min !== undefined ? { min: spec.min } : {}),
              ...('max' in spec && spec.max !== undefined ? { max: spec.max } : {}),
            },
          ]
        : [],
    );
  });
}

/** The definition the dialog's choices make of a draft. */
export function definitionFrom(
  draft: BlockDraft,
  options: MakeBlockOptions,
  taken: ReadonlySet<string>,
): UserBlockDefinition {
  return {
    type: blockTypeFor(options.label, taken),
    label: options.label.trim(),
    exampleInput: draft.exampleInput,
    nodes: draft.nodes,
    edges: draft.edges,
    output: draft.output,
    params: options.params,
  };
}

/** Problems of a definition in words (the dialog shows them and refuses to make it). */
export function definitionProblems(definition: UserBlockDefinition): string[] {
  return userBlockProblems(definition, getNodeType);
}

/**
 * Replaces the selected layers by one instance of a new definition, wired as they were;
 * the definition goes into the document. Returns the new document and the instance's id.
 */
export function makeBlock(
  doc: GraphDocument,
  draft: BlockDraft,
  definition: UserBlockDefinition,
): { doc: GraphDocument; id: string } {
  const selected = new Set(draft.innerIds.keys());
  const members = doc.nodes.filter((n) => selected.has(n.id));
  const position = {
    x: Math.round(members.reduce((sum, n) => sum + n.position.x, 0) / members.length),
    y: Math.round(members.reduce((sum, n) => sum + n.position.y, 0) / members.length),
  };
  registerUserBlocks([definition]);
  const id = freshId(identifierFrom(definition.label), new Set(doc.nodes.map((n) => n.id)));
  const instance: GraphNode = {
    id,
    type: definition.type,
    params: Object.fromEntries(definition.params.map((p) => [p.name, p.default])),
    position,
  };
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const kept = doc.edges.filter((e) => !selected.has(e.source) && !selected.has(e.target));
  const into: GraphEdge = {
    id: freshId('e', edgeIds),
    source: draft.source.node,
    sourcePort: draft.source.port,
    target: id,
    targetPort: 'in',
  };
  // Links out keep their place in `edges`: a multi-port target takes its inputs in that order.
  const edges = doc.edges.flatMap((e): GraphEdge[] => {
    if (e.source === draft.outputNode && !selected.has(e.target))
      return [{ ...e, source: id, sourcePort: 'out' }];
    return kept.includes(e) ? [e] : [];
  });
  return {
    doc: {
      ...doc,
      nodes: [...doc.nodes.filter((n) => !selected.has(n.id)), instance],
      edges: [into, ...edges],
      blocks: [...(doc.blocks ?? []), definition],
    },
    id,
  };
}

/**
 * Replaces a definition in the document (same type id): every instance follows, in one
 * step. Instance params the definition no longer has are dropped.
 */
export function replaceDefinition(doc: GraphDocument, definition: UserBlockDefinition): GraphDocument {
  const blocks = (doc.blocks ?? []).map((b) => (b.type === definition.type ? definition : b));
  if (!blocks.includes(definition)) blocks.push(definition);
  const names = new Set([...definition.params.map((p) => p.name), 'repeat']);
  const nodes = doc.nodes.map((n) =>
    n.type === definition.type && Object.keys(n.params).some((name) => !names.has(name))
      ? { ...n, params: Object.fromEntries(Object.entries(n.params).filter(([name]) => names.has(name))) }
      : n,
  );
  registerUserBlocks([definition]);
  return { ...doc, nodes, blocks };
}

/** The document with `definition` in it when it is not already (placing a library block). */
export function withDefinition(
  doc: GraphDocument,
  definition: UserBlockDefinition | undefined,
): GraphDocument {
  if (!definition || doc.blocks?.some((b) => b.type === definition.type)) return doc;
  return { ...doc, blocks: [...(doc.blocks ?? []), definition] };
}

/**
 * The document with the definitions its nodes use and it lacks (instances pasted from
 * another project), taken from the ones the registry holds.
 */
export function withUsedDefinitions(doc: GraphDocument): GraphDocument {
  const have = new Set((doc.blocks ?? []).map((b) => b.type));
  const missing = [...new Set(doc.nodes.map((n) => n.type))]
    .filter((type) => isUserBlockType(type) && !have.has(type))
    .map(registeredUserBlock)
    .filter((definition): definition is UserBlockDefinition => definition !== undefined);
  return missing.length === 0 ? doc : { ...doc, blocks: [...(doc.blocks ?? []), ...missing] };
}

/** The definition of a type in the document, if it has one. */
export function definitionIn(doc: GraphDocument, type: string): UserBlockDefinition | undefined {
  return doc.blocks?.find((b) => b.type === type);
}
