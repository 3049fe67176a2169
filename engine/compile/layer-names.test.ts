import { describe, expect, it } from 'vitest';
import { createLayerNamer } from './layer-names';

describe('createLayerNamer', () => {
  it('derives names from node ids and keeps them unique in hand-out order', () => {
    const namer = createLayerNamer();
    expect(namer.forNode('c-1')('conv')).toBe('c_1_conv');
    expect(namer.forNode('c_1')('conv')).toBe('c_1_conv_2');
    const block = namer.forNode('b 3');
    expect(block('p2_conv_conv')).toBe('b_3_p2_conv_conv');
    expect(block('p2_conv_conv')).toBe('b_3_p2_conv_conv_2');
    expect(namer.forNode('')('x')).toBe('node_x');
  });

  it('gives a fresh namer the same names again', () => {
    const names = () => {
      const namer = createLayerNamer();
      return ['a', 'a', 'b.c'].map((id) => namer.forNode(id)('pool'));
    };
    expect(names()).toEqual(['a_pool', 'a_pool_2', 'b_c_pool']);
    expect(names()).toEqual(names());
  });
});
