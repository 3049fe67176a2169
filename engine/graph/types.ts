/**
 * What the engine computes about a graph without running it: validation issues, the
 * output shape of every node, parameter counts, multiply-adds and activation memory.
 * Produced by `analyzeGraph` (engine/graph/analyze.ts), which is pure and runs in the
 * renderer on every edit as well as in the engine before compiling.
 */
import type { Shape } from './document';

/** Kinds of problems, each tied to a node or an edge where one is at fault. */
export type IssueCode =
  | 'unknown-type'
  | 'bad-param'
  | 'duplicate-id'
  | 'dangling-edge'
  | 'bad-port'
  | 'missing-input'
  | 'extra-input'
  | 'multiple-inputs'
  | 'cycle'
  | 'no-input'
  | 'no-output'
  | 'several-outputs'
  | 'shape-mismatch'
  | 'needs-flatten'
  | 'spatial-too-small'
  | 'disconnected';

export interface GraphIssue {
  severity: 'error' | 'warning';
  code: IssueCode;
  /** A sentence a person understands, quoting the bad value, e.g. `filters must be ≥ 1, got 0`. */
  message: string;
  nodeId?: string;
  /**
   * Every node the issue concerns when there are several (a cycle's members, `nodeId`
   * first among them), so the editor can mark them all while the message stays short.
   */
  nodeIds?: string[];
  edgeId?: string;
  /** The param at fault, for `bad-param` (so the inspector can show it at the field). */
  param?: string;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

export interface NodeAnalysis {
  id: string;
  type: string;
  /** Shapes arriving at the node, in input order. */
  inputShapes: Shape[];
  /** `null` when the node or something upstream is invalid. */
  outputShape: Shape | null;
  params: ParamCount;
  macs: number;
  /** Bytes of float32 activations the node outputs per example. */
  activationBytes: number;
}

export interface GraphAnalysis {
  /** True when there are no issues of severity `error`. */
  valid: boolean;
  issues: GraphIssue[];
  /** Per-node results, keyed by node id (an object without a prototype: any id is a plain key). */
  nodes: Record<string, NodeAnalysis>;
  /** Topological order of the node ids (empty when the graph has a cycle). */
  order: string[];
  inputNodeId: string | null;
  outputNodeId: string | null;
  inputShape: Shape | null;
  outputShape: Shape | null;
  totals: ParamCount & { macs: number; activationBytes: number };
}
