import { describe, expect, it } from 'vitest';
import { EngineUnavailableError } from './choice';
import { speedLabel, speedSettings, type SpeedInput } from './speed';

const rtx4090 = { name: 'NVIDIA GeForce RTX 4090', memoryBytes: 24 * 2 ** 30, capability: '8.9' };
const v100 = { name: 'Tesla V100-SXM2-16GB', memoryBytes: 16 * 2 ** 30, capability: '7.0' };
const mi250 = { name: 'AMD Instinct MI250X', memoryBytes: 64 * 2 ** 30, capability: '9.0' };
const cpuReport = { cuda: [], cpuCount: 8 };

function speed(input: Partial<SpeedInput>) {
  return speedSettings({ device: 'cpu', amp: 'auto', processes: 1, report: cpuReport, ...input });
}

describe('speedSettings', () => {
  it('on an Ampere-or-newer CUDA GPU: bf16 autocast without loss scaling, channels-last, autotuning, pinned memory', () => {
    expect(speed({ device: 'cuda', report: { cuda: [rtx4090], cpuCount: 8 } })).toEqual({
      amp: 'bfloat16',
      gradScaler: false,
      channelsLast: true,
      cudnnBenchmark: true,
      pinMemory: true,
      threads: null,
    });
  });

  it('on an older CUDA GPU (V100, compute 7.0) fp16 with GradScaler; a mixed box takes the weakest', () => {
    expect(speed({ device: 'cuda', report: { cuda: [v100], cpuCount: 8 } })).toMatchObject({
      amp: 'float16',
      gradScaler: true,
    });
    expect(speed({ device: 'cuda', report: { cuda: [rtx4090, v100], cpuCount: 8 } }).amp).toBe('float16');
  });

  it('on ROCm fp16 with loss scaling and the GPU settings', () => {
    expect(speed({ device: 'rocm', report: { cuda: [mi250], cpuCount: 8 } })).toMatchObject({
      amp: 'float16',
      gradScaler: true,
      channelsLast: true,
      cudnnBenchmark: true,
      pinMemory: true,
    });
  });

  it('amp off on a GPU keeps float32 but not the other GPU settings', () => {
    expect(speed({ device: 'cuda', amp: 'off', report: { cuda: [rtx4090], cpuCount: 8 } })).toMatchObject({
      amp: null,
      gradScaler: false,
      channelsLast: true,
      cudnnBenchmark: true,
    });
  });

  it('on the CPU: float32 by default, threads = cores ÷ processes, no GPU settings', () => {
    expect(speed({ processes: 3 })).toEqual({
      amp: null,
      gradScaler: false,
      channelsLast: false,
      cudnnBenchmark: false,
      pinMemory: false,
      threads: 2,
    });
    expect(speed({ processes: 16 }).threads).toBe(1);
  });

  it('amp on the CPU when asked: bf16, the only type CPU autocast takes', () => {
    expect(speed({ amp: 'on' })).toMatchObject({ amp: 'bfloat16', gradScaler: false });
  });

  it('on MPS: off by default; asking for it is refused in words', () => {
    expect(speed({ device: 'mps' })).toMatchObject({ amp: null, channelsLast: false, threads: null });
    expect(() => speed({ device: 'mps', amp: 'on' })).toThrow(EngineUnavailableError);
    expect(() => speed({ device: 'mps', amp: 'on' })).toThrow(/not available on Apple MPS.*--amp off/);
  });

  it('says what precision runs, for the backend line', () => {
    expect(speedLabel(speed({ device: 'cuda', report: { cuda: [rtx4090], cpuCount: 8 } }))).toBe(
      'bf16 mixed precision',
    );
    expect(speedLabel(speed({ device: 'cuda', report: { cuda: [v100], cpuCount: 8 } }))).toBe(
      'fp16 mixed precision with loss scaling',
    );
    expect(speedLabel(speed({}))).toBeNull();
  });
});
