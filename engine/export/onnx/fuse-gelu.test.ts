import { describe, expect, it } from 'vitest';
import { fuseGelu } from './fuse-gelu';
import type { OnnxNode } from './proto';

const n = (opType: string, input: string[], output: string): OnnxNode => ({
  name: output,
  opType,
  input,
  output: [output],
});
const SCALARS: Record<string, number> = {
  sqrt2: Math.fround(Math.SQRT2),
  invSqrt2: Math.SQRT1_2,
  one: 1,
  half: 0.5,
  other: 1.5,
};
const scalar = (name: string) => SCALARS[name] ?? null;
function consumersOf(nodes: OnnxNode[], outputs: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of [...nodes.flatMap((node) => node.input ?? []), ...outputs])
    counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}
const fuse = (nodes: OnnxNode[], outputs = ['y']) => fuseGelu(nodes, scalar, consumersOf(nodes, outputs));

describe('fuseGelu', () => {
  it("fuses torch's form: (x · (1 + erf(x / √2))) · ½", () => {
    const nodes = [
      n('Conv', ['in', 'w'], 'x'),
      n('Div', ['x', 'sqrt2'], 'd'),
      n('Erf', ['d'], 'e'),
      n('Add', ['e', 'one'], 'a'),
      n('Mul', ['x', 'a'], 'm'),
      n('Mul', ['m', 'half'], 'y'),
    ];
    expect(fuse(nodes).map((node) => [node.opType, node.input, node.output])).toEqual([
      ['Conv', ['in', 'w'], ['x']],
      ['Gelu', ['x'], ['y']],
    ]);
  });

  it("fuses CNN Studio's export form, (x · ½) · (1 + erf), and x · ((1 + erf) · ½) with x · 1/√2", () => {
    const ours = [
      n('Div', ['x', 'sqrt2'], 'd'),
      n('Erf', ['d'], 'e'),
      n('Add', ['one', 'e'], 'a'),
      n('Mul', ['x', 'half'], 'h'),
      n('Mul', ['h', 'a'], 'y'),
    ];
    expect(fuse(ours).map((node) => [node.opType, node.input, node.output])).toEqual([
      ['Gelu', ['x'], ['y']],
    ]);
    const third = [
      n('Mul', ['x', 'invSqrt2'], 'd'),
      n('Erf', ['d'], 'e'),
      n('Add', ['e', 'one'], 'a'),
      n('Mul', ['a', 'half'], 'h'),
      n('Mul', ['x', 'h'], 'y'),
    ];
    expect(fuse(third).map((node) => node.opType)).toEqual(['Gelu']);
  });

  it('leaves an erf chain alone when a constant differs or an inner value is used elsewhere', () => {
    const wrongScale = [
      n('Div', ['x', 'other'], 'd'),
      n('Erf', ['d'], 'e'),
      n('Add', ['e', 'one'], 'a'),
      n('Mul', ['x', 'a'], 'm'),
      n('Mul', ['m', 'half'], 'y'),
    ];
    expect(fuse(wrongScale)).toEqual(wrongScale);
    const shared = [
      n('Div', ['x', 'sqrt2'], 'd'),
      n('Erf', ['d'], 'e'),
      n('Add', ['e', 'one'], 'a'),
      n('Mul', ['x', 'a'], 'm'),
      n('Mul', ['m', 'half'], 'y'),
    ];
    // The erf value is also a graph output: fusing would lose it.
    expect(fuse(shared, ['y', 'e'])).toEqual(shared);
  });
});
