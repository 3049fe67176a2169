/**
 * The e2e fixture: builds what is missing or stale (engine bundle, editor), starts
 * `node bin/cnn-studio.mjs serve --port 0 --no-open` with a fresh data folder and a known
 * token, waits for its URL line, and gives each test:
 *
 * - `appUrl`: the page URL with the token;
 * - `page`: a page already open on it, engine connected;
 * - `dataDir`: the engine's data folder (projects are under `<dataDir>/projects`);
 * - `engine`: an EngineApi client over the same WebSocket protocol (to arrange or check
 *   state from the test without clicking).
 *
 * The server is stopped (SIGTERM, then SIGKILL) and the folder removed after each test.
 *
 * @example
 * ```ts
 * import { expect, test } from './fixtures';
 * test('loads a preset', async ({ page }) => {
 *   await page.getByTestId('presets').click();
 *   await page.getByTestId('preset-lenet').click();
 * });
 * ```
 */
import { test as base, expect } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient, type EngineClient } from '../engine/protocol/rpc';
import { connectWebSocket, type WebSocketConstructor } from '../engine/protocol/transports/websocket';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The token every e2e server uses (CNN_STUDIO_TOKEN). */
export const E2E_TOKEN = 'e2e-session-token';
const URL_LINE = /CNN Studio is running at (http:\/\/\S+)/;

/** Newest modification time of a file, or of the files under a folder (skipping tests), 0 if none. */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Runs a build step when its output is older than its sources; throws with its output on failure. */
function buildIfStale(
  label: string,
  output: string,
  sources: string[],
  command: string,
  args: string[],
): void {
  const newestSource = Math.max(...sources.map((s) => newestMtime(join(root, s))));
  if (mtime(join(root, output)) >= newestSource) return;
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`e2e: building ${label} failed:\n${result.stdout}\n${result.stderr}`);
}

export interface RunningApp {
  url: string;
  port: number;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
}

function startServer(dataDir: string): Promise<{ app: RunningApp; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'cnn-studio.mjs'), 'serve', '--port', '0', '--no-open'],
    {
      cwd: root,
      env: { ...process.env, CNN_STUDIO_DATA_DIR: dataDir, CNN_STUDIO_TOKEN: E2E_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('the server printed no URL within 60 s')), 60_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`e2e: cnn-studio serve did not start: ${error.message}\n${stderr}`));
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`it exited with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = URL_LINE.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const url = match[1];
      resolve({ child, app: { url, port: Number(new URL(url).port), stderr: () => stderr } });
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

interface TestFixtures {
  dataDir: string;
  app: RunningApp;
  appUrl: string;
  engine: EngineClient;
}

interface WorkerFixtures {
  built: void;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  built: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      buildIfStale(
        'the engine',
        'dist/engine/cli.mjs',
        ['engine', 'scripts/build-engine.mjs'],
        process.execPath,
        ['scripts/build-engine.mjs'],
      );
      buildIfStale(
        'the editor',
        'dist/renderer/index.html',
        // All of engine/: the editor bundles more than its protocol and graph (the window's
        // training worker takes engine/train, datasets, compile, presets).
        ['renderer', 'shared', 'engine'],
        'npx',
        ['vite', 'build', '--config', 'renderer/vite.config.ts'],
      );
      await use();
    },
    { scope: 'worker', auto: true, timeout: 300_000 },
  ],

  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'cnn-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },

  app: async ({ dataDir }, use, testInfo) => {
    const { app, child } = await startServer(dataDir);
    await use(app);
    await stopServer(child);
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('server-stderr', { body: app.stderr(), contentType: 'text/plain' });
  },

  appUrl: async ({ app }, use) => use(app.url),

  engine: async ({ app }, use) => {
    const transport = await connectWebSocket(
      `ws://127.0.0.1:${app.port}/ws?token=${E2E_TOKEN}`,
      WebSocket as unknown as WebSocketConstructor,
    );
    const client = createClient(transport);
    await use(client);
    client.close();
  },

  page: async ({ page, appUrl }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on(
      'console',
      (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`),
    );
    await page.goto(appUrl);
    await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'online', {
      timeout: 20_000,
    });
    await use(page);
    if (problems.length > 0)
      await test.info().attach('browser-errors', { body: problems.join('\n'), contentType: 'text/plain' });
  },
});

export { expect };
