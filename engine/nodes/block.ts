/**
 * Composite blocks (VGG, NiN, Inception, Residual, Dense block, Transition) are defined by
 * their inner subgraph alone; this helper derives the block's shape rule, parameter count,
 * multiply-adds and compiled layers from the inner nodes' definitions, so no block writes
 * any of that math a second time.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Params, Shape } from '../graph/document';
import type { ParamCount } from '../graph/types';
import type { NodeExportRules } from './interchange';
import { resolveParamsFor } from './param-defaults';
import { primitiveNodeTypes } from './primitives';
import {
  ShapeError,
  type CompileContext,
  type NodeParamsMap,
  type NodeTypeDefinition,
  type NodeTypeId,
  type ParamSpec,
  type Subgraph,
} from './types';

export type BlockTypeId =
  | 'vggBlock'
  | 'ninBlock'
  | 'inception'
  | 'residual'
  | 'denseBlock'
  | 'transition'
  | 'bottleneck'
  | 'squeezeExcitation'
  | 'invertedResidual'
  | 'depthwiseSeparable';

/** What a block file declares; the rest of its definition is derived. */
export interface BlockSpec<T extends BlockTypeId> {
  type: T;
  label: string;
  doc: string;
  params: readonly ParamSpec[];
  summarize(params: NodeParamsMap[T]): string;
  /** Inner nodes in topological order; edges into a multi port are listed in input order. */
  expand(params: NodeParamsMap[T]): Subgraph;
  /** Advice appended when an inner node's shape fails, e.g. which block param to change. */
  hint?(params: NodeParamsMap[T], innerNodeId: string): string | undefined;
  /**
   * The block as the book's PyTorch / Keras code writes it (a class or function per block
   * type). Tested against `expand` (engine/export/block-classes.test.ts): same parameters,
   * same output shape.
   */
  export: NodeExportRules<NodeParamsMap[T]>;
}

type InnerNode = Subgraph['nodes'][number];
type AnyParams = NodeParamsMap[NodeTypeId];

/**
 * Which definitions a composite's inner nodes may use. Built-in blocks hold primitive layers
 * only; a person's own blocks (user-block.ts) may also hold built-in blocks.
 */
export type InnerTypeLookup = (type: string) => NodeTypeDefinition | undefined;

const primitiveLookup: InnerTypeLookup = (type) =>
  primitiveNodeTypes.find((candidate) => candidate.type === type);

function innerDefinition(node: InnerNode, lookup: InnerTypeLookup): NodeTypeDefinition {
  const def = lookup(node.type);
  if (!def)
    throw new Error(`block inner node "${node.id}" has type "${node.type}", which is not a primitive layer`);
  return def;
}

/**
 * Evaluates a subgraph in order, feeding each inner node the values of its sources
 * (`'$in'` = the block input) and returning the output node's value.
 */
export function evaluateSubgraph<V>(
  subgraph: Subgraph,
  blockInput: V,
  step: (node: InnerNode, def: NodeTypeDefinition, params: AnyParams, inputs: V[]) => V,
  lookup: InnerTypeLookup = primitiveLookup,
): V {
  const values = new Map<string, V>([['$in', blockInput]]);
  for (const node of subgraph.nodes) {
    const inputs = subgraph.edges
      .filter((edge) => edge.target === node.id)
      .map((edge) => {
        const value = values.get(edge.source);
        if (value === undefined)
          throw new Error(`block inner node "${node.id}" is listed before its source "${edge.source}"`);
        return value;
      });
    const def = innerDefinition(node, lookup);
    const params = resolveParamsFor(def, node.params) as unknown as AnyParams;
    values.set(node.id, step(node, def, params, inputs));
  }
  const output = values.get(subgraph.output);
  if (output === undefined) throw new Error(`block output "${subgraph.output}" is not an inner node`);
  return output;
}

interface InnerAnalysis {
  output: Shape;
  params: ParamCount;
  macs: number;
}

/** Shapes, parameters and multiply-adds of every inner node, summed. */
function analyzeBlock(
  label: string,
  subgraph: Subgraph,
  input: Shape,
  hint: (innerNodeId: string) => string | undefined,
  lookup: InnerTypeLookup,
): InnerAnalysis {
  const totals = { params: { trainable: 0, nonTrainable: 0 }, macs: 0 };
  const output = evaluateSubgraph<Shape>(
    subgraph,
    input,
    (node, def, params, inputs) => {
      let shape: Shape;
      try {
        shape = def.inferShape(params, inputs);
      } catch (error) {
        if (error instanceof ShapeError) {
          const advice = hint(node.id);
          throw new ShapeError(
            `${label}, inner layer "${node.label ?? node.id}": ${error.message}${advice ? ` (${advice})` : ''}`,
            error.code,
          );
        }
        throw error;
      }
      const count = def.paramCount(params, inputs);
      totals.params.trainable += count.trainable;
      totals.params.nonTrainable += count.nonTrainable;
      totals.macs += def.macs(params, inputs, shape);
      return shape;
    },
    lookup,
  );
  return { output, ...totals };
}

/**
 * What any composite (a built-in block, or a block a person made) declares: its inner
 * subgraph per params, and the parts of its definition that are not derived from it.
 */
export interface CompositeSpec<P> {
  type: string;
  label: string;
  doc: string;
  params: readonly ParamSpec[];
  summarize(params: P): string;
  expand(params: P): Subgraph;
  hint?(params: P, innerNodeId: string): string | undefined;
  export?: NodeExportRules<P>;
}

/**
 * Builds a node-type definition from a composite's subgraph: shape rule, parameter count,
 * multiply-adds and compiled layers all come from the inner nodes' own definitions (found
 * through `lookup`). The one mechanism for built-in and user blocks alike.
 */
export function defineComposite<P>(
  spec: CompositeSpec<P>,
  lookup: InnerTypeLookup = primitiveLookup,
): NodeTypeDefinition {
  const singleInputOf = (inputs: readonly Shape[]): Shape => {
    if (inputs.length !== 1)
      throw new ShapeError(`${spec.label} takes exactly 1 input, got ${inputs.length}`);
    return inputs[0];
  };
  // The analyzer asks inferShape, paramCount and macs in turn with the same arguments:
  // remember the last result so the subgraph is walked once, not three times.
  let last: { key: string; result: InnerAnalysis } | null = null;
  const analyze = (params: P, inputs: readonly Shape[]): InnerAnalysis => {
    const key = JSON.stringify([params, inputs]);
    if (last?.key !== key) {
      const result = analyzeBlock(
        spec.label,
        spec.expand(params),
        singleInputOf(inputs),
        (id) => spec.hint?.(params, id),
        lookup,
      );
      last = { key, result };
    }
    return last.result;
  };
  const definition: NodeTypeDefinition<NodeTypeId> = {
    type: spec.type as NodeTypeId,
    label: spec.label,
    category: 'Blocks',
    doc: spec.doc,
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out' }],
    params: spec.params,
    summarize: (params) => spec.summarize(params as P),
    expand: (params) => spec.expand(params as P),
    export: spec.export as NodeExportRules<AnyParams> | undefined,
    inferShape: (params, inputs) => [...analyze(params as P, inputs).output],
    paramCount: (params, inputs) => ({ ...analyze(params as P, inputs).params }),
    macs: (params, inputs) => analyze(params as P, inputs).macs,
    compile(ctx, params, inputs) {
      return evaluateSubgraph<tfjs.SymbolicTensor>(
        spec.expand(params as P),
        inputs[0],
        (node, def, innerParams, innerInputs) => {
          const innerCtx: CompileContext = {
            tf: ctx.tf,
            layerName: (suffix) => ctx.layerName(`${node.id}_${suffix}`),
          };
          return def.compile(innerCtx, innerParams, innerInputs);
        },
        lookup,
      );
    },
  };
  return definition;
}

/** Builds a complete node-type definition for a built-in block from its subgraph. */
export function defineBlock<T extends BlockTypeId>(spec: BlockSpec<T>): NodeTypeDefinition<T> {
  return defineComposite<NodeParamsMap[T]>(spec) as unknown as NodeTypeDefinition<T>;
}

/** A conv2d inner node with the book's defaults (bias on, 'relu' unless given). */
export function convNode(
  id: string,
  params: Partial<NodeParamsMap['conv2d']> & Pick<NodeParamsMap['conv2d'], 'filters' | 'kernelSize'>,
): InnerNode {
  const full: NodeParamsMap['conv2d'] = {
    strides: 1,
    padding: 0,
    dilation: 1,
    activation: 'relu',
    useBias: true,
    ...params,
  };
  return { id, type: 'conv2d', params: full as unknown as Params };
}
