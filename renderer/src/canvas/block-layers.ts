/**
 * The inner layers of a block node (Inception, Residual, …) with the shape each one
 * outputs, for the expanded view on the canvas. Computed from the block's own `expand`
 * and the inner types' `inferShape`, so it always agrees with the engine.
 */
import type { Params, Shape } from '../../../engine/graph/document';
import type { NodeTypeDefinition } from '../../../engine/nodes/types';
import { getNodeType } from '../../../engine/nodes/registry';
import { resolveParams } from '../../../engine/nodes/params';

export interface InnerLayer {
  id: string;
  label: string;
  summary: string;
  /** Which inner layers (or `'$in'`) feed this one. */
  inputs: string[];
  shape: Shape | null;
}

/** Lists a block's inner layers in dependency order with their output shapes. */
export function innerLayers(def: NodeTypeDefinition, params: Params, inputShape: Shape | null): InnerLayer[] {
  if (!def.expand) return [];
  let sub;
  try {
    sub = (def.expand as (p: Params) => ReturnType<NonNullable<NodeTypeDefinition['expand']>>)(
      resolveParams(def, params),
    );
  } catch {
    return [];
  }
  const shapes = new Map<string, Shape | null>([['$in', inputShape]]);
  const inputsOf = new Map<string, string[]>();
  for (const e of sub.edges) inputsOf.set(e.target, [...(inputsOf.get(e.target) ?? []), e.source]);
  const pending = [...sub.nodes];
  const result: InnerLayer[] = [];
  // Repeated passes give a topological order without assuming the list is sorted.
  while (pending.length) {
    const index = pending.findIndex((n) => (inputsOf.get(n.id) ?? []).every((s) => shapes.has(s)));
    if (index < 0) break;
    const [node] = pending.splice(index, 1);
    const inner = getNodeType(node.type);
    const inputs = inputsOf.get(node.id) ?? [];
    const inShapes = inputs.map((s) => shapes.get(s) ?? null);
    let shape: Shape | null = null;
    let summary = '';
    if (inner) {
      const p = resolveParams(inner, node.params);
      const call = inner as unknown as {
        summarize(p: Params): string;
        inferShape(p: Params, s: readonly Shape[]): Shape;
      };
      summary = call.summarize(p);
      if (inShapes.every((s): s is Shape => s !== null)) {
        try {
          shape = call.inferShape(p, inShapes);
        } catch {
          shape = null;
        }
      }
    }
    shapes.set(node.id, shape);
    result.push({ id: node.id, label: node.label ?? inner?.label ?? node.type, summary, inputs, shape });
  }
  return result;
}

/** Pixel height of one inner-layer row and the list's padding (kept in step with styles.css). */
const ROW_HEIGHT = 17;
const LIST_PADDING = 14;

/** About how much taller a block gets when expanded (for making room below it). */
export function innerListHeight(def: NodeTypeDefinition, params: Params): number {
  const rows = innerLayers(def, params, null).length;
  return rows === 0 ? 0 : rows * ROW_HEIGHT + LIST_PADDING;
}
