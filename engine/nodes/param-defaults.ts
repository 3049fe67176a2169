/**
 * Filling a node's params with its type's defaults. Kept apart from the registry so block
 * definitions can use it without an import cycle.
 */
import type { Params } from '../graph/document';
import { ACTIVATION_NAMES, defaultAlpha } from './activation';
import type { NodeTypeDefinition } from './types';

/**
 * The most pixels numeric padding may add on each side: the largest window (kernel or pool
 * size 64). More only pads with zeros no window reaches usefully, and an unbounded value
 * (2^60 passed validation) made training fail with a raw tfjs error.
 */
export const MAX_PADDING_PIXELS = 64;

/**
 * Defaults that depend on other params, by type: pool strides default to the pool size
 * (PyTorch), and an ELU's alpha defaults to 1 where a leaky ReLU's is 0.01 (engine/nodes/activation.ts).
 */
const derivedDefaults: Record<string, (params: Params) => Params> = {
  maxPool2d: (p) => ({ strides: p.poolSize }),
  avgPool2d: (p) => ({ strides: p.poolSize }),
  activation: (p) => ({
    alpha: defaultAlpha(ACTIVATION_NAMES.find((fn) => fn === p.fn) ?? 'leakyRelu'),
  }),
};

/**
 * The params with every missing one filled in: first from the other params where the
 * default depends on them, then from the spec default. Present values are kept as they are
 * (checking them is the validator's job).
 *
 * @example resolveParamsFor(getNodeType('maxPool2d')!, { poolSize: 3 }) // { poolSize: 3, strides: 3, padding: 0 }
 */
export function resolveParamsFor(def: Pick<NodeTypeDefinition, 'type' | 'params'>, params: Params): Params {
  const resolved: Params = {};
  for (const spec of def.params) {
    if (params[spec.name] !== undefined) resolved[spec.name] = params[spec.name];
  }
  const derived = derivedDefaults[def.type]?.({ ...specDefaults(def), ...resolved }) ?? {};
  for (const spec of def.params) {
    if (resolved[spec.name] === undefined) resolved[spec.name] = derived[spec.name] ?? spec.default;
  }
  // Unknown extra keys are kept so the validator can name them; they do not reach layers.
  for (const [name, value] of Object.entries(params)) {
    if (resolved[name] === undefined) resolved[name] = value;
  }
  return resolved;
}

function specDefaults(def: Pick<NodeTypeDefinition, 'params'>): Params {
  return Object.fromEntries(def.params.map((spec) => [spec.name, spec.default]));
}
