/**
 * `analyzeGraph`: everything the editor and the engine need to know about a graph without
 * running it — every problem at once, the output shape of every node, parameter counts,
 * multiply-adds and activation memory. Pure and fast: it runs on every edit.
 */
import { getNodeType, nodeTypes } from '../nodes/registry';
import { registerUserBlocks } from '../nodes/user-block-registry';
import { resolveParams } from '../nodes/params';
import { ShapeError, type NodeTypeDefinition } from '../nodes/types';
import { checkParams } from './check-params';
import type { GraphDocument, GraphNode, Shape } from './document';
import { formatShape } from './format';
import { frozenCount } from './freeze';
import type { GraphAnalysis, GraphIssue, NodeAnalysis } from './types';
import { analyzeWiring, type NodeTypeLookup } from './wiring';

export interface AnalyzeOptions {
  /** The node types to know; the registry's by default (tests may pass their own). */
  types?: readonly NodeTypeDefinition[];
}

const BYTES_PER_FLOAT = 4;

/**
 * Validates `doc` and infers shapes and counts. Never throws for a bad graph: problems are
 * `issues`, each tied to a node or edge. A node whose own params or wiring are wrong, or
 * anything downstream of it, gets `outputShape: null` without further issues of its own.
 *
 * Totals add up every node that has a shape; `activationBytes` counts every node's output
 * (the input included) as float32, per example.
 *
 * @example
 * const analysis = analyzeGraph(getPreset('lenet'));
 * analysis.totals.trainable; // 61706
 * analysis.nodes.c1.outputShape; // [28, 28, 6]
 */
export function analyzeGraph(doc: GraphDocument, options: AnalyzeOptions = {}): GraphAnalysis {
  // Blocks the person made are node types from here on (compile and export analyze first).
  registerUserBlocks(doc.blocks);
  const types = options.types ?? nodeTypes;
  const lookup: NodeTypeLookup = options.types
    ? (type) => types.find((def) => def.type === type)
    : getNodeType;
  const wiring = analyzeWiring(doc, lookup);
  const issues: GraphIssue[] = [...wiring.issues];
  const blocked = new Set(wiring.blocked);

  for (const node of wiring.nodes.values()) {
    const definition = wiring.definitions.get(node.id);
    if (!definition) {
      issues.push({
        severity: 'error',
        code: 'unknown-type',
        nodeId: node.id,
        message: unknownTypeMessage(node.type, types),
      });
      blocked.add(node.id);
      continue;
    }
    const paramIssues = checkParams(node, definition);
    issues.push(...paramIssues);
    if (paramIssues.some((issue) => issue.severity === 'error')) blocked.add(node.id);
  }

  // Ids are the user's: without a prototype, "__proto__" or "constructor" is a plain key.
  const results: Record<string, NodeAnalysis> = Object.create(null) as Record<string, NodeAnalysis>;
  for (const node of wiring.nodes.values()) results[node.id] = emptyResult(node);
  for (const id of wiring.order) {
    const result = results[id];
    const inputs = wiring.incoming.get(id)!.map((edge) => results[edge.source].outputShape);
    if (inputs.some((shape) => shape === null)) continue;
    result.inputShapes = inputs as Shape[];
    if (blocked.has(id)) continue;
    const node = wiring.nodes.get(id)!;
    const definition = wiring.definitions.get(id)!;
    const issue = inferNode(node, definition, result);
    if (issue) issues.push(issue);
  }

  const outputShape = wiring.outputNodeId ? results[wiring.outputNodeId].outputShape : null;
  if (wiring.outputNodeId && outputShape && outputShape.length !== 1) {
    issues.push({
      severity: 'warning',
      code: 'needs-flatten',
      nodeId: wiring.outputNodeId,
      message: `the model ends in a ${formatShape(outputShape)} tensor; a classifier ends in class scores: add Flatten and a Dense layer with one unit per class`,
    });
  }

  const totals = { trainable: 0, nonTrainable: 0, macs: 0, activationBytes: 0 };
  for (const result of Object.values(results)) {
    totals.trainable += result.params.trainable;
    totals.nonTrainable += result.params.nonTrainable;
    totals.macs += result.macs;
    totals.activationBytes += result.activationBytes;
  }

  return {
    valid: !issues.some((issue) => issue.severity === 'error'),
    issues,
    nodes: results,
    order: wiring.hasCycle ? [] : wiring.order,
    inputNodeId: wiring.inputNodeId,
    outputNodeId: wiring.outputNodeId,
    inputShape: wiring.inputNodeId ? results[wiring.inputNodeId].outputShape : null,
    outputShape,
    totals,
  };
}

function emptyResult(node: GraphNode): NodeAnalysis {
  return {
    id: node.id,
    type: node.type,
    inputShapes: [],
    outputShape: null,
    params: { trainable: 0, nonTrainable: 0 },
    macs: 0,
    activationBytes: 0,
  };
}

/** Fills `result` for one node whose inputs are known; returns the issue if its shape fails. */
function inferNode(node: GraphNode, definition: NodeTypeDefinition, result: NodeAnalysis): GraphIssue | null {
  const inputs = result.inputShapes;
  if (node.bypassed && definition.inputs.length > 0) {
    setOutput(result, inputs[0]);
    return null;
  }
  const params = resolveParams(definition, node.params) as never;
  try {
    const output = definition.inferShape(params, inputs);
    const problem = shapeProblem(output);
    if (problem) {
      return {
        severity: 'error',
        code: 'spatial-too-small',
        nodeId: node.id,
        message: `${definition.label} would output ${formatShape(output)} from ${inputs.map(formatShape).join(' and ') || 'nothing'}: ${problem}`,
      };
    }
    result.params = frozenCount(node, definition.paramCount(params, inputs));
    result.macs = definition.macs(params, inputs, output);
    setOutput(result, output);
    return null;
  } catch (error) {
    result.params = { trainable: 0, nonTrainable: 0 };
    result.macs = 0;
    const code = error instanceof ShapeError ? error.code : 'shape-mismatch';
    const message = error instanceof Error ? error.message : String(error);
    return { severity: 'error', code, nodeId: node.id, message };
  }
}

function setOutput(result: NodeAnalysis, shape: Shape): void {
  result.outputShape = shape;
  result.activationBytes = shape.reduce((product, dim) => product * dim, 1) * BYTES_PER_FLOAT;
}

/** Why an inferred shape is unusable (a size ≤ 0), or null. */
function shapeProblem(shape: Shape): string | null {
  if (shape.some((dim) => !Number.isInteger(dim))) return 'a size is not a whole number';
  if (shape.some((dim) => dim <= 0)) {
    return shape.length === 3
      ? 'the image is too small for this layer; use a larger input, or a smaller kernel or stride'
      : 'a size is ≤ 0';
  }
  return null;
}

function unknownTypeMessage(type: string, types: readonly NodeTypeDefinition[]): string {
  // "Did you mean": the known id that matches without case, dashes or underscores.
  const simplify = (text: string) => text.toLowerCase().replace(/[-_ ]/g, '');
  const guess = types.find((def) => simplify(def.type) === simplify(type));
  return `unknown node type "${type}"${guess ? ` (did you mean "${guess.type}"?)` : ''}`;
}
