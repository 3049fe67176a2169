/**
 * GELU written out in ONNX before opset 20 (which has no Gelu op): the exact form
 * `0.5 · x · (1 + erf(x / √2))`, as torch's `nn.GELU()` and CNN Studio's own export write it
 * (Div or Mul by 1/√2 → Erf → Add 1 → two Muls, the ½ on either side). Each such chain is
 * replaced by one `Gelu` node (opset 20's op) before import, so it comes back as one GELU
 * activation instead of five ops with no node.
 */
import type { OnnxNode } from './proto';

/** A node's single scalar constant input value, if it has one. */
export type ScalarOf = (name: string) => number | null;

const near = (value: number | null, target: number): boolean =>
  value !== null && Math.abs(value - target) <= 1e-5 * Math.max(1, Math.abs(target));

/**
 * `nodes` with every erf-form GELU chain replaced by a `Gelu` node at the chain's last node.
 * `scalar` gives a constant input's value (an initializer or Constant node holding one number);
 * `consumers` counts the uses of each value (graph outputs included): the chain's inner values
 * must be used by the chain alone.
 */
export function fuseGelu(
  nodes: readonly OnnxNode[],
  scalar: ScalarOf,
  consumers: ReadonlyMap<string, number>,
): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  const users = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    for (const output of node.output ?? []) producer.set(output, node);
    for (const input of node.input ?? []) users.set(input, [...(users.get(input) ?? []), node]);
  }
  const onlyUser = (value: string): OnnxNode | null => {
    const list = users.get(value) ?? [];
    return list.length === 1 && consumers.get(value) === 1 ? list[0] : null;
  };
  /** For a two-input node with one scalar input: [the other input, the scalar]. */
  const withScalar = (node: OnnxNode): [string, number] | null => {
    const [a, b] = node.input ?? [];
    if (a === undefined || b === undefined) return null;
    const sb = scalar(b);
    if (sb !== null) return [a, sb];
    const sa = scalar(a);
    return sa !== null ? [b, sa] : null;
  };

  const removed = new Set<OnnxNode>();
  const replacement = new Map<OnnxNode, OnnxNode>();
  for (const erf of nodes) {
    if (erf.opType !== 'Erf' || !erf.input?.[0] || !erf.output?.[0]) continue;
    // x / √2 (or x · 1/√2) → Erf
    const scale = producer.get(erf.input[0]);
    const scaled = scale && withScalar(scale);
    if (
      !scale ||
      !scaled ||
      onlyUser(erf.input[0]) !== erf ||
      !(
        (scale.opType === 'Div' && near(scaled[1], Math.SQRT2)) ||
        (scale.opType === 'Mul' && near(scaled[1], Math.SQRT1_2))
      )
    )
      continue;
    const x = scaled[0];
    // Erf → Add 1
    const addOne = onlyUser(erf.output[0]);
    const added = addOne?.opType === 'Add' ? withScalar(addOne) : null;
    if (!addOne || !added || !near(added[1], 1) || !addOne.output?.[0]) continue;
    const onePlus = addOne.output[0];
    // Two Muls: (x · ½) · (1 + erf), (x · (1 + erf)) · ½, or x · ((1 + erf) · ½)
    const next = onlyUser(onePlus);
    if (!next || next.opType !== 'Mul' || !next.output?.[0]) continue;
    const other = (next.input ?? []).find((input) => input !== onePlus) ?? '';
    let chain: OnnxNode[] | null = null;
    let last: OnnxNode | null = null;
    const half = producer.get(other);
    const halfOfX = half?.opType === 'Mul' ? withScalar(half) : null;
    if (other === x) {
      // (x · (1 + erf)) · ½
      const final = onlyUser(next.output[0]);
      const scaledFinal = final?.opType === 'Mul' ? withScalar(final) : null;
      if (final && scaledFinal && near(scaledFinal[1], 0.5))
        [chain, last] = [[scale, erf, addOne, next], final];
    } else if (half && halfOfX && halfOfX[0] === x && near(halfOfX[1], 0.5) && onlyUser(other) === next) {
      // (x · ½) · (1 + erf)
      [chain, last] = [[scale, erf, addOne, half], next];
    } else if (scalar(other) !== null && near(scalar(other), 0.5)) {
      // x · ((1 + erf) · ½)
      const final = onlyUser(next.output[0]);
      const into = final?.opType === 'Mul' ? (final.input ?? []) : [];
      if (final && into.includes(x) && into.includes(next.output[0]))
        [chain, last] = [[scale, erf, addOne, next], final];
    }
    if (!chain || !last) continue;
    for (const node of chain) removed.add(node);
    replacement.set(last, {
      name: last.name ?? erf.name,
      opType: 'Gelu',
      input: [x],
      output: last.output,
      attribute: [],
    });
  }
  return nodes.flatMap((node) => (removed.has(node) ? [] : [replacement.get(node) ?? node]));
}
