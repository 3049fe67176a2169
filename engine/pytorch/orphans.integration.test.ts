/**
 * No orphaned trainers: when the CLI training on PyTorch is ended (SIGTERM, or killed
 * outright), its Python ends too. Runs the built CLI (dist/engine; vitest's global setup
 * builds it) with the real torch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;

vi.setConfig({ testTimeout: 180_000 });
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-studio-orphans-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Pids of the processes whose parent is `parent` and whose command line mentions runner.py. */
function pythonChildren(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === parent && cmdline.includes('runner.py')) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Starts a long PyTorch run in the CLI and resolves once Python trains (its first batch). */
function startCli(): Promise<{ cli: ChildProcess; python: number }> {
  const cli = spawn(
    process.execPath,
    [
      join(root, 'bin/cnn-studio.mjs'),
      'train',
      ...['--preset', 'lenet', '--dataset', 'synthetic', '--engine', 'pytorch', '--epochs', '50', '--json'],
    ],
    { env: { ...process.env, CNN_STUDIO_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    cli.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    cli.stdout!.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('"event":"batch"')) return;
      const [python] = pythonChildren(cli.pid!);
      if (python) resolve({ cli, python });
    });
    cli.on('exit', (code) => reject(new Error(`the CLI ended (${code}) before training: ${stderr}`)));
  });
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe('no orphaned Python processes', () => {
  it('SIGTERM to the CLI ends its Python', async () => {
    const { cli, python } = await startCli();
    expect(alive(python)).toBe(true);
    cli.kill('SIGTERM');
    expect(await gone(python)).toBe(true);
  });

  it('killing the CLI outright (SIGKILL) still ends its Python', async () => {
    const { cli, python } = await startCli();
    cli.kill('SIGKILL');
    expect(await gone(python)).toBe(true);
  });
});
