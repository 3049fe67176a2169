/** The params a multi-selection has in common, and the value they share (if they agree). */
import type { GraphNode, ParamValue } from '../../../engine/graph/document';
import type { ParamSpec } from '../../../engine/nodes/types';
import { getNodeType } from '../../../engine/nodes/registry';
import { resolveParams } from '../../../engine/nodes/params';

export interface CommonParam {
  spec: ParamSpec;
  /** `undefined` when the nodes hold different values. */
  value: ParamValue | undefined;
}

const sameSpec = (a: ParamSpec, b: ParamSpec) =>
  a.kind === b.kind &&
  (a.kind !== 'choice' || (b.kind === 'choice' && a.options.join() === b.options.join()));

const sameValue = (a: ParamValue, b: ParamValue) =>
  Array.isArray(a) && Array.isArray(b) ? a.join() === b.join() : a === b;

/** Params every node has (same name and kind), in the first node's order. */
export function commonParams(nodes: readonly GraphNode[]): CommonParam[] {
  const defs = nodes.map((n) => getNodeType(n.type));
  if (nodes.length === 0 || defs.some((d) => !d)) return [];
  const resolved = nodes.map((n, i) => resolveParams(defs[i]!, n.params));
  return defs[0]!.params
    .filter((spec) => defs.every((d) => d!.params.some((s) => s.name === spec.name && sameSpec(s, spec))))
    .map((spec) => {
      const first = resolved[0][spec.name];
      const agree = resolved.every((p) => p[spec.name] !== undefined && sameValue(p[spec.name], first));
      return { spec, value: agree ? first : undefined };
    });
}
