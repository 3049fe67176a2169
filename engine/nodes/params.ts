/**
 * Param defaults for node types.
 */
import type { Params } from '../graph/document';
import { resolveParamsFor } from './param-defaults';
import { getNodeType } from './registry';
import type { NodeTypeDefinition } from './types';

export { MAX_PADDING_PIXELS } from './param-defaults';

/**
 * A new node's params: every spec default (pool strides = pool size).
 *
 * @throws Error naming the type when it is unknown.
 * @example defaultParams('conv2d') // { filters: 16, kernelSize: 3, strides: 1, padding: 1, … }
 */
export function defaultParams(type: string): Params {
  const def = getNodeType(type);
  if (!def) throw new Error(`unknown node type "${type}"`);
  return resolveParamsFor(def, {});
}

/**
 * The params with every missing one filled from its default; maxPool/avgPool `strides`
 * default to `poolSize`, an activation's `alpha` to 1 for elu and 0.01 otherwise.
 * Present values are returned unchanged, unknown keys kept (the validator reports them).
 */
export function resolveParams(def: Pick<NodeTypeDefinition, 'type' | 'params'>, params: Params): Params {
  return resolveParamsFor(def, params);
}
