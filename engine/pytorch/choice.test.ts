import { describe, expect, it } from 'vitest';
import { atLeast, chooseEngine, EngineUnavailableError, type TfjsFacts } from './choice';
import { probeCandidates, probeTorch, pythonCandidates, type PythonReport, type TorchProbe } from './probe';

const cpuOnly: PythonReport = {
  command: 'python3',
  executable: '/usr/bin/python3',
  pythonVersion: '3.11.2',
  torch: '1.13.0a0+gitunknown',
  numpy: '1.24.2',
  cuda: [],
  cudaVersion: null,
  hip: null,
  mps: false,
  cpuCount: 2,
  torchThreads: 2,
};
const rtx = { name: 'NVIDIA GeForce RTX 4090', memoryBytes: 24 * 2 ** 30, capability: '8.9' };
const probe = (report: Partial<PythonReport>): TorchProbe => ({
  found: true,
  report: { ...cpuOnly, ...report },
  tried: ['python3'],
});
const noTfjsGpu: TfjsFacts = { gpu: null, gpuUnavailable: 'tfjs-node-gpu is not installed' };

describe('chooseEngine', () => {
  it('auto picks PyTorch on CUDA and says why tfjs was not picked', () => {
    const choice = chooseEngine({
      requested: 'auto',
      torch: probe({ cuda: [rtx], cudaVersion: '12.1' }),
      tfjs: noTfjsGpu,
    });
    expect(choice).toMatchObject({ engine: 'pytorch', device: 'cuda', torchDevice: 'cuda' });
    expect(choice.label).toBe(
      'PyTorch 1.13.0a0+gitunknown on CUDA GPU (NVIDIA GeForce RTX 4090, 24 GB, compute 8.9)',
    );
    expect(choice.skipped).toEqual([
      { name: 'tfjs', reason: 'tfjs-node-gpu is not installed; PyTorch has the GPU' },
    ]);
  });

  it('auto picks ROCm through torch’s cuda device', () => {
    const choice = chooseEngine({
      requested: 'auto',
      torch: probe({ cuda: [{ ...rtx, name: 'AMD Instinct MI210' }], hip: '5.7.1' }),
      tfjs: noTfjsGpu,
    });
    expect(choice).toMatchObject({ engine: 'pytorch', device: 'rocm', torchDevice: 'cuda' });
    expect(choice.label).toContain('ROCm GPU (AMD Instinct MI210');
  });

  it('auto picks Apple MPS', () => {
    const choice = chooseEngine({ requested: 'auto', torch: probe({ mps: true }), tfjs: noTfjsGpu });
    expect(choice).toMatchObject({ engine: 'pytorch', device: 'mps', torchDevice: 'mps' });
  });

  it('auto prefers tfjs-node-gpu when it has a GPU', () => {
    const choice = chooseEngine({
      requested: 'auto',
      torch: probe({ cuda: [rtx], cudaVersion: '12.1' }),
      tfjs: { gpu: 'CUDA GPU' },
    });
    expect(choice.engine).toBe('tfjs');
    expect(choice.skipped[0].reason).toMatch(/tfjs-node-gpu already trains on the GPU/);
  });

  it('auto picks PyTorch on the CPU when torch imports but no engine has a GPU', () => {
    const choice = chooseEngine({ requested: 'auto', torch: probe({}), tfjs: noTfjsGpu });
    expect(choice).toMatchObject({
      engine: 'pytorch',
      device: 'cpu',
      label: 'PyTorch 1.13.0a0+gitunknown on CPU (2 cores)',
    });
    expect(choice.skipped.map((s) => s.name)).toEqual(['tfjs', 'pytorch GPU']);
    expect(choice.skipped[0].reason).toMatch(/faster than WebAssembly/);
    expect(choice.skipped[1].reason).toMatch(
      /CPU-only build.*sees no CUDA GPU.*pip install torch --index-url/,
    );
  });

  it('auto falls back to tfjs without torch, naming what to install', () => {
    const choice = chooseEngine({
      requested: 'auto',
      torch: probe({ torch: null, torchError: "ModuleNotFoundError: No module named 'torch'" }),
      tfjs: noTfjsGpu,
    });
    expect(choice.engine).toBe('tfjs');
    expect(choice.skipped).toEqual([
      {
        name: 'pytorch',
        reason: expect.stringMatching(
          /python3 \(Python 3\.11\.2\) cannot import torch .*No module named 'torch'.*apt install python3-torch/,
        ),
      },
    ]);
  });

  it('auto falls back to tfjs with torch older than 1.13', () => {
    const choice = chooseEngine({ requested: 'auto', torch: probe({ torch: '1.12.1' }), tfjs: noTfjsGpu });
    expect(choice.engine).toBe('tfjs');
    expect(choice.skipped[0].reason).toBe(
      'python3 has torch 1.12.1, older than 1.13; upgrade it (pip install -U torch)',
    );
  });

  it('auto falls back to tfjs without Python', () => {
    const choice = chooseEngine({
      requested: 'auto',
      torch: { found: false, tried: ['python3', 'python'], errors: ['python3: ENOENT'] },
      tfjs: noTfjsGpu,
    });
    expect(choice.engine).toBe('tfjs');
    expect(choice.skipped[0].reason).toMatch(
      /^no Python found \(tried python3, python\); install Python 3 and PyTorch/,
    );
  });

  it('pytorch asked for without torch is refused with what to install', () => {
    expect(() =>
      chooseEngine({ requested: 'pytorch', torch: probe({ torch: null }), tfjs: noTfjsGpu }),
    ).toThrow(EngineUnavailableError);
    expect(() =>
      chooseEngine({ requested: 'pytorch', torch: probe({ torch: null }), tfjs: noTfjsGpu }),
    ).toThrow(/PyTorch cannot train here: .*pip install torch/);
  });

  it('a device the probe did not find is refused; cpu is always there', () => {
    expect(() =>
      chooseEngine({ requested: 'pytorch', device: 'cuda', torch: probe({}), tfjs: noTfjsGpu }),
    ).toThrow(/sees no CUDA GPU/);
    expect(() =>
      chooseEngine({
        requested: 'pytorch',
        device: 'mps',
        torch: probe({ cuda: [rtx], cudaVersion: '12.1' }),
        tfjs: noTfjsGpu,
      }),
    ).toThrow(/sees no Apple MPS; check the NVIDIA driver/);
    const cpu = chooseEngine({
      requested: 'pytorch',
      device: 'cpu',
      torch: probe({ cuda: [rtx], cudaVersion: '12.1' }),
      tfjs: noTfjsGpu,
    });
    expect(cpu).toMatchObject({ engine: 'pytorch', device: 'cpu' });
  });

  it('tfjs asked for is tfjs, whatever PyTorch has', () => {
    const choice = chooseEngine({ requested: 'tfjs', torch: probe({ cuda: [rtx] }), tfjs: noTfjsGpu });
    expect(choice).toMatchObject({ engine: 'tfjs', device: null });
    expect(choice.skipped).toEqual([{ name: 'pytorch', reason: 'tfjs was asked for' }]);
  });
});

describe('versions and the interpreter search', () => {
  it('compares torch versions by major and minor', () => {
    expect(atLeast('1.13.0a0+gitunknown', [1, 13])).toBe(true);
    expect(atLeast('2.3.1+cu121', [1, 13])).toBe(true);
    expect(atLeast('1.12.1', [1, 13])).toBe(false);
    expect(atLeast('0.4.1', [1, 13])).toBe(false);
  });

  it('uses CNN_STUDIO_PYTHON alone, else python3, python and the system python', () => {
    expect(pythonCandidates(undefined, { CNN_STUDIO_PYTHON: '/opt/py/bin/python' }, 'linux')).toEqual([
      '/opt/py/bin/python',
    ]);
    expect(pythonCandidates('/x/python', { CNN_STUDIO_PYTHON: '/y' }, 'linux')).toEqual(['/x/python']);
    expect(pythonCandidates(undefined, {}, 'linux')).toEqual(['python3', 'python', '/usr/bin/python3']);
    expect(pythonCandidates(undefined, {}, 'darwin')).toEqual(['python3', 'python']);
  });

  it('settles on the first interpreter with torch, else the first Python found', async () => {
    const reports: Record<string, Partial<PythonReport> | Error> = {
      python3: { torch: null },
      python: new Error('spawn python ENOENT'),
      '/usr/bin/python3': { command: '/usr/bin/python3' },
    };
    const run = async (command: string) => {
      const answer = reports[command];
      if (answer instanceof Error) throw answer;
      return { ...cpuOnly, command, ...answer };
    };
    const withTorch = await probeCandidates(['python3', 'python', '/usr/bin/python3'], run);
    expect(withTorch).toMatchObject({
      found: true,
      report: { command: '/usr/bin/python3', torch: cpuOnly.torch },
    });
    reports['/usr/bin/python3'] = { torch: null };
    const without = await probeTorch({ python: 'python3', run });
    expect(without).toMatchObject({ found: true, report: { command: 'python3', torch: null } });
    const none = await probeTorch({ python: 'python', run });
    expect(none).toEqual({ found: false, tried: ['python'], errors: ['python: spawn python ENOENT'] });
  });
});
