/**
 * The wiring of a graph: which edges are usable, what arrives at each node's ports, and
 * the structural problems (duplicate ids, dangling edges, bad ports, missing or extra
 * inputs, cycles, several inputs/outputs, disconnected nodes).
 */
import type { GraphDocument, GraphEdge, GraphNode } from './document';
import type { GraphIssue } from './types';
import type { NodeTypeDefinition } from '../nodes/types';
import { formatCount, formatList, formatPathOfIds } from './format';
import { topologicalOrder } from './topology';

export type NodeTypeLookup = (type: string) => NodeTypeDefinition | undefined;

export interface Wiring {
  /** Nodes by id (the first of any duplicates), in document order. */
  nodes: Map<string, GraphNode>;
  definitions: Map<string, NodeTypeDefinition>;
  /** Usable edges into each node, in input order (port order, then edge order). */
  incoming: Map<string, GraphEdge[]>;
  /** Topological order of every node; partial when there is a cycle. */
  order: string[];
  hasCycle: boolean;
  inputNodeId: string | null;
  outputNodeId: string | null;
  /** Nodes whose own wiring is broken: they get no shape (their issues say why). */
  blocked: Set<string>;
  issues: GraphIssue[];
}

/** Works out the wiring of `doc` and every structural issue in it. */
export function analyzeWiring(doc: GraphDocument, lookup: NodeTypeLookup): Wiring {
  const issues: GraphIssue[] = [];
  const blocked = new Set<string>();
  const error = (issue: Omit<GraphIssue, 'severity'>) => issues.push({ severity: 'error', ...issue });

  const nodes = uniqueNodes(doc.nodes, error);
  const definitions = new Map<string, NodeTypeDefinition>();
  for (const node of nodes.values()) {
    const definition = lookup(node.type);
    if (definition) definitions.set(node.id, definition);
  }
  reportDuplicateEdgeIds(doc.edges, error);

  // Usable edges: both ends exist and the ports are real. Edges touching a node of unknown
  // type are kept for connectivity; that node is reported once as unknown.
  const usable: GraphEdge[] = [];
  for (const edge of doc.edges) {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source || !target) {
      const missing = !source ? `source node "${edge.source}"` : `target node "${edge.target}"`;
      error({ code: 'dangling-edge', edgeId: edge.id, message: `${missing} does not exist` });
      continue;
    }
    const sourceDef = definitions.get(source.id);
    const targetDef = definitions.get(target.id);
    if (sourceDef && !sourceDef.outputs.some((port) => port.name === edge.sourcePort)) {
      error({
        code: 'bad-port',
        edgeId: edge.id,
        nodeId: source.id,
        message: `${sourceDef.label} "${source.id}" has no output port "${edge.sourcePort}" (its outputs: ${portList(sourceDef.outputs)})`,
      });
      continue;
    }
    if (targetDef && targetDef.inputs.length === 0) {
      error({
        code: 'extra-input',
        edgeId: edge.id,
        nodeId: target.id,
        message: `${targetDef.label} takes no inputs, but edge ${edge.id} goes into it`,
      });
      blocked.add(target.id);
      continue;
    }
    if (targetDef && !targetDef.inputs.some((port) => port.name === edge.targetPort)) {
      error({
        code: 'bad-port',
        edgeId: edge.id,
        nodeId: target.id,
        message: `${targetDef.label} "${target.id}" has no input port "${edge.targetPort}" (its inputs: ${portList(targetDef.inputs)})`,
      });
      blocked.add(target.id);
      continue;
    }
    usable.push(edge);
  }

  const ids = [...nodes.keys()];
  const { order, cycles } = topologicalOrder(ids, usable);
  // One issue per cycle, however long: its members go in `nodeIds`, the message shows a
  // real loop through the first of them, shortened (a 5,000-node ring once took 245 MB).
  for (const cycle of cycles) {
    const loop = shortestLoop(cycle, usable);
    const loopSize = loop.length - 1;
    const note =
      cycle.length > loopSize
        ? `; ${formatCount(cycle.length)} nodes are caught in loops here`
        : formatPathOfIds(loop) !== loop.join(' → ')
          ? `; ${formatCount(loopSize)} nodes in the cycle`
          : '';
    error({
      code: 'cycle',
      nodeId: cycle[0],
      nodeIds: cycle,
      message: `is part of a cycle (${formatPathOfIds(loop)}${note}); data must flow one way from input to output`,
    });
    for (const id of cycle) blocked.add(id);
  }

  const inputIds = ids.filter((id) => definitions.get(id)?.type === 'input');
  const inputNodeId = inputIds[0] ?? null;
  for (const extra of inputIds.slice(1)) {
    error({
      code: 'extra-input',
      nodeId: extra,
      message: `a second Input node; a model takes one input (the first is "${inputNodeId}")`,
    });
    blocked.add(extra);
  }

  const connected = inputNodeId === null ? null : componentOf(inputNodeId, usable);
  if (inputNodeId === null) {
    error({
      code: 'no-input',
      message:
        nodes.size === 0
          ? 'the graph is empty: add an Input node'
          : 'the graph has no Input node: add one and wire it to the first layer',
    });
  } else {
    for (const id of ids) {
      if (!connected!.has(id) && !inputIds.includes(id)) {
        error({
          code: 'disconnected',
          nodeId: id,
          message: `is not connected to the input "${inputNodeId}": wire it in or delete it`,
        });
        blocked.add(id);
      }
    }
  }

  const incoming = new Map<string, GraphEdge[]>(ids.map((id) => [id, []]));
  for (const edge of usable) incoming.get(edge.target)!.push(edge);
  for (const node of nodes.values()) {
    const definition = definitions.get(node.id);
    if (!definition || blocked.has(node.id)) continue;
    const edges = incoming.get(node.id)!;
    const passThrough = node.bypassed && definition.inputs.length > 0;
    const portIssues = passThrough
      ? bypassIssues(node, edges)
      : portInputIssues(node, definition, edges, inputNodeId !== null);
    portIssues.forEach((issue) => error(issue));
    const complete = passThrough ? edges.length === 1 : hasEnoughInputs(definition, edges);
    if (portIssues.length > 0 || !complete) blocked.add(node.id);
    // Port order first, then the order of edges in the document.
    incoming.set(
      node.id,
      definition.inputs.flatMap((port) => edges.filter((edge) => edge.targetPort === port.name)),
    );
  }

  const outputNodeId =
    connected === null || cycles.length > 0 ? null : findOutput(ids, connected, usable, error);
  return {
    nodes,
    definitions,
    incoming,
    order,
    hasCycle: cycles.length > 0,
    inputNodeId,
    outputNodeId,
    blocked,
    issues,
  };
}

function uniqueNodes(
  list: readonly GraphNode[],
  error: (issue: Omit<GraphIssue, 'severity'>) => void,
): Map<string, GraphNode> {
  const nodes = new Map<string, GraphNode>();
  const firstIndex = new Map<string, number>();
  list.forEach((node, index) => {
    const first = firstIndex.get(node.id);
    if (first === undefined) {
      nodes.set(node.id, node);
      firstIndex.set(node.id, index);
    } else {
      error({
        code: 'duplicate-id',
        nodeId: node.id,
        message: `nodes[${index}] has the same id "${node.id}" as nodes[${first}]; ids must be unique (the later one is ignored)`,
      });
    }
  });
  return nodes;
}

function reportDuplicateEdgeIds(
  edges: readonly GraphEdge[],
  error: (issue: Omit<GraphIssue, 'severity'>) => void,
): void {
  const seen = new Map<string, number>();
  edges.forEach((edge, index) => {
    const first = seen.get(edge.id);
    if (first === undefined) seen.set(edge.id, index);
    else
      error({
        code: 'duplicate-id',
        edgeId: edge.id,
        message: `edges[${index}] has the same id "${edge.id}" as edges[${first}]; ids must be unique`,
      });
  });
}

function portList(ports: readonly { name: string }[]): string {
  return ports.length === 0 ? 'none' : ports.map((port) => port.name).join(', ');
}

function portInputIssues(
  node: GraphNode,
  definition: NodeTypeDefinition,
  edges: readonly GraphEdge[],
  hasInputNode: boolean,
): Array<Omit<GraphIssue, 'severity'>> {
  const issues: Array<Omit<GraphIssue, 'severity'>> = [];
  for (const port of definition.inputs) {
    const into = edges.filter((edge) => edge.targetPort === port.name);
    const needed = port.multiple ? (port.minConnections ?? 1) : 1;
    // Without an Input node, "no input" is already the one issue to fix first.
    if (into.length < needed && hasInputNode) {
      const what = port.multiple
        ? `at least ${needed} inputs on port "${port.name}"`
        : `an input on port "${port.name}"`;
      issues.push({
        code: 'missing-input',
        nodeId: node.id,
        message: `${definition.label} needs ${what}, got ${into.length}`,
      });
    }
    if (!port.multiple && into.length > 1) {
      issues.push({
        code: 'multiple-inputs',
        nodeId: node.id,
        edgeId: into[1].id,
        message: `${definition.label} takes one input on port "${port.name}", but ${into.length} edges go into it (${formatList(into.map((edge) => edge.id))}); merge them with Add or Concat first`,
      });
    }
  }
  return issues;
}

/** Whether every input port has as many edges as it needs (reported or not). */
function hasEnoughInputs(definition: NodeTypeDefinition, edges: readonly GraphEdge[]): boolean {
  return definition.inputs.every((port) => {
    const count = edges.filter((edge) => edge.targetPort === port.name).length;
    return count >= (port.multiple ? (port.minConnections ?? 1) : 1);
  });
}

function bypassIssues(node: GraphNode, edges: readonly GraphEdge[]): Array<Omit<GraphIssue, 'severity'>> {
  if (edges.length === 1) return [];
  if (edges.length === 0)
    return [
      {
        code: 'missing-input',
        nodeId: node.id,
        message: 'a bypassed node passes its input through, but nothing goes into it',
      },
    ];
  return [
    {
      code: 'extra-input',
      nodeId: node.id,
      edgeId: edges[1].id,
      message: `a bypassed node passes one input through, but ${edges.length} edges go into it (${formatList(edges.map((edge) => edge.id))}); un-bypass it or remove an edge`,
    },
  ];
}

/**
 * A shortest loop through `members[0]` that stays inside `members` (a strongly connected
 * component), as ids from it back to it: breadth-first, so no recursion on its length.
 */
function shortestLoop(members: readonly string[], edges: readonly GraphEdge[]): string[] {
  const inside = new Set(members);
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!inside.has(edge.source) || !inside.has(edge.target)) continue;
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const start = members[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    for (const target of next.get(id) ?? []) {
      if (target === start) {
        const loop = [start];
        for (let at = id; at !== start; at = cameFrom.get(at)!) loop.push(at);
        loop.push(start);
        return [start, ...loop.slice(1, -1).reverse(), start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, id);
        queue.push(target);
      }
    }
  }
  return [start, start]; // not reached for a real component; a self-loop's answer anyway
}

/** The ids in the same weakly connected component as `start`. */
function componentOf(start: string, edges: readonly GraphEdge[]): Set<string> {
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const list = neighbours.get(a);
    if (list) list.push(b);
    else neighbours.set(a, [b]);
  };
  for (const edge of edges) {
    link(edge.source, edge.target);
    link(edge.target, edge.source);
  }
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of neighbours.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** The one node of the connected graph that feeds nothing, or null (with an issue). */
function findOutput(
  ids: readonly string[],
  connected: ReadonlySet<string>,
  edges: readonly GraphEdge[],
  error: (issue: Omit<GraphIssue, 'severity'>) => void,
): string | null {
  const feeds = new Set(edges.map((edge) => edge.source));
  const sinks = ids.filter((id) => connected.has(id) && !feeds.has(id));
  if (sinks.length === 1 && connected.size === 1) {
    error({
      code: 'no-output',
      nodeId: sinks[0],
      message: 'nothing is connected after the Input: add layers that end in the class scores',
    });
    return null;
  }
  if (sinks.length === 1) return sinks[0];
  if (sinks.length === 0) {
    error({ code: 'no-output', message: 'the graph has no output: every node feeds another' });
    return null;
  }
  for (const sink of sinks.slice(1)) {
    error({
      code: 'several-outputs',
      nodeId: sink,
      message: `the graph ends in ${formatCount(sinks.length)} places (${formatList(sinks)}); a model has one output: connect this branch onward or delete it`,
    });
  }
  return null;
}
