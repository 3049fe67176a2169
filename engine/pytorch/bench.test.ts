import { describe, expect, it } from 'vitest';
import { pytorchBenchText, pytorchTargets, type PyTorchBenchReport } from './bench';

function report(overrides: Partial<PyTorchBenchReport> = {}): PyTorchBenchReport {
  const speed = (imagesPerSecond: number) => ({ imagesPerSecond, batches: 40, parameters: 44_878 });
  return {
    preset: 'bn-lenet',
    torch: '1.13.0',
    threads: 2,
    batchSize: 256,
    epochs: 2,
    images: 60_000,
    limit: null,
    step: { generated: speed(5000), book: speed(5100), ratio: 5000 / 5100 },
    runs: [
      {
        processes: 1,
        device: 'CPU (2 cores), PyTorch 1.13.0',
        startedSeconds: 2.5,
        startupSeconds: 3.1,
        epochSeconds: [12, 11],
        testAccuracy: 0.78,
        imagesPerSecond: 5200,
      },
      {
        processes: 2,
        device: 'CPU (2 cores), PyTorch 1.13.0, 2 processes',
        startedSeconds: 4,
        startupSeconds: 6.2,
        epochSeconds: [14, 13],
        testAccuracy: 0.66,
        imagesPerSecond: 4400,
      },
    ],
    book: {
      epochSeconds: [11, 10],
      images: 60_000,
      imagesPerSecond: 5700,
      testAccuracy: 0.79,
      parameters: 44_878,
    },
    ...overrides,
  };
}

describe('pytorchTargets', () => {
  it("judges the issue's targets with the figures that decide them", () => {
    const targets = pytorchTargets(report());
    expect(targets.map((t) => [t.name, t.met])).toEqual([
      ['training step, generated / book', true], // 0.98 ≥ 0.95
      ['epoch time, engine / book', true], // 1.09× and 1.10× ≤ 1.2×
      ['start-up, engine to first batch (1 process)', true],
      ['start-up, engine to first batch (2 processes)', false], // 6.2 s
      ['bn-lenet test accuracy after 2 epochs (1 process)', true],
      ['bn-lenet test accuracy after 2 epochs (2 processes)', true], // 0.66 ≥ 0.65
    ]);
    expect(targets[1].measured).toBe('1.09× (12.00 s vs 11.00 s), 1.10× (11.00 s vs 10.00 s)');
  });

  it('misses a slow step, a slow epoch and a low accuracy', () => {
    const slow = report({
      step: { ...report().step, ratio: 0.9 },
      book: { ...report().book, epochSeconds: [9, 10] },
    });
    slow.runs[0].testAccuracy = 0.69;
    const met = Object.fromEntries(pytorchTargets(slow).map((t) => [t.name, t.met]));
    expect(met['training step, generated / book']).toBe(false);
    expect(met['epoch time, engine / book']).toBe(false); // 12 / 9 = 1.33×
    expect(met['bn-lenet test accuracy after 2 epochs (1 process)']).toBe(false);
  });

  it('accuracy targets only for bn-lenet trained 2+ epochs on the whole dataset', () => {
    const names = (r: PyTorchBenchReport) =>
      pytorchTargets(r)
        .map((t) => t.name)
        .join('\n');
    expect(names(report({ limit: 2000 }))).not.toMatch(/accuracy/);
    expect(names(report({ epochs: 1 }))).not.toMatch(/accuracy/);
    expect(names(report({ preset: 'lenet' }))).not.toMatch(/accuracy/);
  });

  it('prints the comparison and each target as met or MISSED', () => {
    const text = pytorchBenchText(report());
    expect(text).toMatch(
      /^bn-lenet on PyTorch 1\.13\.0, 2 threads, batch 256, 2 epoch\(s\) of 60,000 images$/m,
    );
    expect(text).toMatch(/training step {6}generated 5,000 img\/s, book 5,100 img\/s/);
    expect(text).toMatch(
      /^MISSED {2}start-up, engine to first batch \(2 processes\): 6\.20 s \(target < 5 s\)$/m,
    );
    expect(text).toMatch(/^met {5}epoch time, engine \/ book/m);
  });
});
