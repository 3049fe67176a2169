import { describe, expect, it } from 'vitest';
import { createLayerNamer, tfjsSafeName } from './layer-names';

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

  it('starts every name with a letter or digit, as tfjs tensor names must', () => {
    const namer = createLayerNamer();
    expect(namer.forNode('_x')('input')).toBe('n_x_input');
    expect(namer.forNode('__proto__')('conv')).toBe('n__proto___conv');
    expect(namer.forNode('-1')('conv')).toBe('n_1_conv');
    expect(namer.count).toBe(3);
    expect(tfjsSafeName('constructor')).toBe('constructor');
    expect(tfjsSafeName('_')).toBe('n_');
  });
});
