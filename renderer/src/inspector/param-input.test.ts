import { describe, expect, it } from 'vitest';
import { getNodeType } from '../../../engine/nodes/registry';
import type { ParamSpec } from '../../../engine/nodes/types';
import { parseParam } from './param-input';
import { commonParams } from './common-params';

const spec = (type: string, name: string): ParamSpec =>
  getNodeType(type)!.params.find((p) => p.name === name)!;

describe('inspector field parsing', () => {
  it('accepts whole numbers in range and refuses letters, decimals and out-of-range values with the reason', () => {
    const filters = spec('conv2d', 'filters');
    expect(parseParam(filters, ' 64 ')).toEqual({ ok: true, value: 64 });
    expect(parseParam(filters, '6a')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/whole number, got "6a"/),
    });
    expect(parseParam(filters, '6.5')).toMatchObject({ ok: false });
    expect(parseParam(filters, '0')).toMatchObject({ ok: false, error: expect.stringMatching(/≥ 1, got 0/) });
    expect(parseParam(filters, '')).toMatchObject({ ok: false, error: expect.stringMatching(/required/) });
  });

  it('reads floats with exclusive bounds', () => {
    const rate = spec('dropout', 'rate');
    expect(parseParam(rate, '0.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseParam(rate, 'half')).toMatchObject({ ok: false });
    expect(parseParam(rate, '-1')).toMatchObject({ ok: false });
  });

  it('reads padding as same, valid or pixels', () => {
    const padding = spec('conv2d', 'padding');
    expect(parseParam(padding, 'SAME')).toEqual({ ok: true, value: 'same' });
    expect(parseParam(padding, '2')).toEqual({ ok: true, value: 2 });
    expect(parseParam(padding, '-1')).toMatchObject({ ok: false });
    expect(parseParam(padding, 'full')).toMatchObject({ ok: false, error: expect.stringMatching(/"full"/) });
  });

  it('reads an Inception branch pair and names the bad half', () => {
    const c2 = spec('inception', 'c2');
    expect(parseParam(c2, ['96', '128'])).toEqual({ ok: true, value: [96, 128] });
    expect(parseParam(c2, ['96', 'x'])).toMatchObject({ ok: false, error: expect.stringMatching(/second/) });
  });

  it('reads a window size as one number or height × width, a square pair as one number', () => {
    const kernel = spec('conv2d', 'kernelSize');
    expect(parseParam(kernel, '3')).toEqual({ ok: true, value: 3 });
    expect(parseParam(kernel, '1×7')).toEqual({ ok: true, value: [1, 7] });
    expect(parseParam(kernel, '7 x 1')).toEqual({ ok: true, value: [7, 1] });
    expect(parseParam(kernel, '1, 7')).toEqual({ ok: true, value: [1, 7] });
    expect(parseParam(kernel, '3×3')).toEqual({ ok: true, value: 3 });
    expect(parseParam(kernel, '1×0')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/width must be ≥ 1/),
    });
    expect(parseParam(kernel, '1×2×3')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/height × width/),
    });
  });

  it('only offers choices from the schema', () => {
    const activation = spec('dense', 'activation');
    expect(parseParam(activation, 'relu')).toEqual({ ok: true, value: 'relu' });
    expect(parseParam(activation, 'swish!')).toMatchObject({ ok: false });
  });
});

describe('multi-selection params', () => {
  it('shows the params all selected nodes share, with the value only when they agree', () => {
    const a = { id: 'a', type: 'conv2d', params: { filters: 6 }, position: { x: 0, y: 0 } };
    const b = { id: 'b', type: 'conv2d', params: { filters: 16 }, position: { x: 0, y: 0 } };
    const d = { id: 'd', type: 'dense', params: { units: 10 }, position: { x: 0, y: 0 } };
    const same = commonParams([a, b]);
    expect(same.find((p) => p.spec.name === 'filters')?.value).toBeUndefined();
    expect(same.find((p) => p.spec.name === 'kernelSize')?.value).toBe(3);
    expect(
      commonParams([a, d])
        .map((p) => p.spec.name)
        .sort(),
    ).toEqual(['activation', 'useBias']);
  });
});
