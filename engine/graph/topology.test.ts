import { describe, expect, it } from 'vitest';
import { topologicalOrder } from './topology';

const links = (...pairs: string[]) => pairs.map((pair) => ({ source: pair[0], target: pair[1] }));

describe('topologicalOrder', () => {
  it('puts every node after its sources, ties in the given order', () => {
    expect(topologicalOrder(['d', 'c', 'b', 'a'], links('ab', 'ac', 'bd', 'cd')).order).toEqual([
      'a',
      'c',
      'b',
      'd',
    ]);
    expect(topologicalOrder(['x', 'y', 'z'], []).order).toEqual(['x', 'y', 'z']);
  });

  it('finds cycles, including self-loops, and leaves their nodes out of the order', () => {
    const result = topologicalOrder(['a', 'b', 'c', 'd', 'e'], links('ab', 'bc', 'cb', 'cd', 'ee'));
    expect(result.order).toEqual(['a']);
    expect(result.cycles).toEqual([['b', 'c'], ['e']]);
  });

  it('ignores links to unknown ids', () => {
    expect(topologicalOrder(['a', 'b'], links('ab', 'bz', 'za'))).toEqual({ order: ['a', 'b'], cycles: [] });
  });

  it('handles long chains without deep recursion', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `n${i}`);
    const chain = ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));
    chain.push({ source: ids[ids.length - 1], target: ids[0] });
    expect(topologicalOrder(ids, chain).cycles[0]).toHaveLength(20_000);
  });
});
