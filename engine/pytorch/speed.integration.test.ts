/**
 * runner.py's side of the speed settings, with the real torch and no GPU: its `speed_options`
 * (test_runner_speed.py) picks autocast type, loss scaling, channels-last, autotuning, pinned
 * memory and threads from a device string and the config speed.ts writes.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { probeTorch } from './probe';
import { torchUnavailable } from './choice';

it('runner.py picks the speed options for cuda, mps and cpu device strings', async () => {
  const probe = await probeTorch();
  const problem = torchUnavailable(probe);
  if (problem || !probe.found) throw new Error(`this test needs PyTorch ≥ 1.13: ${problem}`);
  const here = dirname(fileURLToPath(import.meta.url));
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      probe.report.executable,
      ['-m', 'unittest', '-v', join(here, 'test_runner_speed.py')],
      { cwd: here, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stderr)),
    ),
  );
  expect(output).toMatch(/Ran 7 tests/);
  expect(output).toMatch(/\nOK\n?$/);
}, 180_000);
