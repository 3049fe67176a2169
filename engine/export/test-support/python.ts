/* eslint-disable @typescript-eslint/no-restricted-imports -- test support: runs the generated Python under vitest in Node, never in the app */
/**
 * Running generated Python in tests, with Debian's python3-torch (`npm test` installs it).
 * A missing torch fails the test with the reason instead of skipping it: a skipped parity
 * test looks green while checking nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's python3-torch lives in the system Python, not in a pyenv that may come first on PATH. */
export const PYTHON = process.env.CNN_STUDIO_PYTHON ?? '/usr/bin/python3';

let torchProblem: string | null | undefined;

/**
 * Throws, with what to install, unless `PYTHON` can import torch.
 *
 * @example beforeAll(requireTorch);
 */
export function requireTorch(): void {
  if (torchProblem === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    torchProblem =
      probe.status === 0
        ? null
        : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)) || `exit ${probe.status}`}); install Debian's python3-torch (npm test does: apt-get install python3-torch)`;
  }
  if (torchProblem) throw new Error(torchProblem);
}

/** Writes files into a fresh temporary directory and returns it. */
export function writeFiles(files: ReadonlyArray<{ path: string; content: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-export-'));
  for (const file of files) writeFileSync(join(dir, file.path), file.content);
  return dir;
}

/** Runs a Python script (`-c`) with JSON on stdin and parses the JSON it prints last. */
export function runPythonJson<T>(script: string, input: unknown, cwd?: string): T {
  const stdout = execFileSync(PYTHON, ['-c', script], {
    cwd,
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}
