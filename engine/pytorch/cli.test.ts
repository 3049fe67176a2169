import { describe, expect, it } from 'vitest';
import { parseEngineFlags } from './cli';

const usage = (message: string) => new Error(`usage: ${message}`);

describe('train --engine flags', () => {
  it('defaults to tfjs, one process', () => {
    expect(parseEngineFlags({}, usage)).toEqual({ requested: 'tfjs', processes: 1 });
  });

  it('reads PyTorch settings', () => {
    expect(
      parseEngineFlags({ engine: 'pytorch', processes: '4', device: 'rocm', python: '/opt/py' }, usage),
    ).toEqual({ requested: 'pytorch', processes: 4, device: 'rocm', python: '/opt/py' });
  });

  it('reads --amp; a wrong value or amp without PyTorch is refused', () => {
    expect(parseEngineFlags({ engine: 'pytorch', amp: 'off' }, usage)).toMatchObject({ amp: 'off' });
    expect(parseEngineFlags({ engine: 'auto' }, usage)).not.toHaveProperty('amp');
    expect(() => parseEngineFlags({ engine: 'pytorch', amp: 'fp8' }, usage)).toThrow(
      'usage: --amp must be on, off or auto, got "fp8"',
    );
    expect(() => parseEngineFlags({ amp: 'on' }, usage)).toThrow(/--amp and --python are PyTorch settings/);
  });

  it('refuses wrong values, naming the flag and what it takes', () => {
    expect(() => parseEngineFlags({ engine: 'jax' }, usage)).toThrow(
      'usage: --engine must be one of auto, tfjs, pytorch, got "jax"',
    );
    expect(() => parseEngineFlags({ engine: 'pytorch', device: 'tpu' }, usage)).toThrow(
      /--device must be one of cuda, rocm, mps, cpu/,
    );
    expect(() => parseEngineFlags({ engine: 'pytorch', processes: '0' }, usage)).toThrow(
      /--processes must be a whole number ≥ 1/,
    );
    expect(() => parseEngineFlags({ processes: '2' }, usage)).toThrow(
      /PyTorch settings: add --engine pytorch/,
    );
  });

  it('several machines need pytorch, an endpoint and an output folder', () => {
    const base = { engine: 'pytorch', nodes: '2', 'rdzv-endpoint': 'node0:29500', out: 'run' };
    expect(parseEngineFlags(base, usage).nodes).toMatchObject({ count: 2, endpoint: 'node0:29500' });
    expect(() => parseEngineFlags({ ...base, nodes: '1' }, usage)).toThrow(
      /--nodes must be a whole number ≥ 2/,
    );
    expect(() => parseEngineFlags({ ...base, 'rdzv-endpoint': 'node0' }, usage)).toThrow(
      /--rdzv-endpoint <host:port>/,
    );
    expect(() => parseEngineFlags({ ...base, out: undefined }, usage)).toThrow(/--out <dir>/);
    expect(() => parseEngineFlags({ ...base, engine: 'auto' }, usage)).toThrow(
      /--nodes needs --engine pytorch/,
    );
  });
});
