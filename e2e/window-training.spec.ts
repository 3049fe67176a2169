/**
 * Training in the window: pick WebGPU or WebGL in the Training panel's `train-engine`
 * select and train LeNet to done in the page's own worker (here on SwiftShader, Chromium
 * started with --enable-unsafe-webgpu). While it trains, the UI thread's frames are counted
 * with requestAnimationFrame and printed: the editor must keep producing frames (the run is
 * in a worker), with no timed threshold beyond that.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import type { RunRecord } from '../engine/protocol/api';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';
import { windowGpuLaunchOptions } from './window-gpu';

const root = fileURLToPath(new URL('..', import.meta.url));
const TRAIN_TIMEOUT = 240_000;

/** What a polled run has reached: 'an epoch done', its failure, or its status. */
function epochProgress(run: RunRecord): string {
  return run.epochs.length > 0
    ? 'an epoch done'
    : run.status === 'failed'
      ? `failed: ${run.error}`
      : run.status;
}

test.use({ launchOptions: windowGpuLaunchOptions });

async function setField(page: Page, testId: string, value: string | number): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill(String(value));
  await field.press('Enter');
}

/** Starts counting animation frames on the UI thread; the returned function stops and reports. */
async function countFrames(
  page: Page,
): Promise<() => Promise<{ frames: number; seconds: number; longestGapMs: number }>> {
  await page.evaluate(() => {
    const counter = {
      frames: 0,
      start: performance.now(),
      last: performance.now(),
      longestGap: 0,
      running: true,
    };
    (globalThis as unknown as { frameCounter: typeof counter }).frameCounter = counter;
    const tick = (now: number) => {
      counter.frames += 1;
      counter.longestGap = Math.max(counter.longestGap, now - counter.last);
      counter.last = now;
      if (counter.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      const counter = (
        globalThis as unknown as {
          frameCounter: { frames: number; start: number; longestGap: number; running: boolean };
        }
      ).frameCounter;
      counter.running = false;
      return {
        frames: counter.frames,
        seconds: (performance.now() - counter.start) / 1000,
        longestGapMs: counter.longestGap,
      };
    });
}

// WebGPU on SwiftShader trains LeNet at ~5 images/s here, WebGL at ~40: each gets a run that
// ends in about a minute (two epochs, so the tensor count can be compared across epochs).
const RUNS = [
  { backend: 'webgpu', limit: 128, batch: 32 },
  { backend: 'webgl', limit: 640, batch: 64 },
] as const;

for (const { backend, limit, batch } of RUNS) {
  test(`train LeNet to done on ${backend} in the window, the UI keeps its frames`, async ({ page }) => {
    test.setTimeout(TRAIN_TIMEOUT + 60_000);
    const logs: string[] = [];
    page.on(
      'console',
      (message) => message.text().startsWith('[window training') && logs.push(message.text()),
    );
    await new EditorPage(page).loadPreset('lenet');
    await page.getByTestId('dock-tab-training').click();
    await expect(page.getByTestId('train-dataset')).toHaveValue('fashion-mnist');
    await page.getByTestId('train-engine').selectOption(backend);
    await page.getByTestId('train-optimizer').selectOption('adam');
    await setField(page, 'train-lr', 0.005);
    await setField(page, 'train-epochs', 2);
    await setField(page, 'train-batch-size', batch);
    await setField(page, 'train-limit', limit);

    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-status')).toHaveText('running', { timeout: 30_000 });
    await expect(page.getByTestId('train-backend')).toContainText(`Runs on ${backend}`, { timeout: 60_000 });
    await expect(page.getByTestId('train-backend')).toContainText(/SwiftShader|swiftshader/);
    // Count frames once batches flow (after the dataset arrived and the shaders compiled).
    await expect(page.getByTestId('metric-batch')).toContainText(/\d+ \/ \d+/, { timeout: 120_000 });
    const stopCounting = await countFrames(page);
    await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: TRAIN_TIMEOUT });
    const frames = await stopCounting();
    const speed = await page.getByTestId('metric-speed').textContent();
    const accuracy = Number(await page.getByTestId('metric-test-accuracy').textContent());
    console.log(
      `${backend}: LeNet ${speed}, test accuracy ${accuracy} after 2 epochs of ${limit} images; UI thread ${(frames.frames / frames.seconds).toFixed(1)} frames/s over ${frames.seconds.toFixed(1)} s (longest gap ${frames.longestGapMs.toFixed(0)} ms)`,
    );
    console.log(logs.join('\n'));
    expect(frames.frames).toBeGreaterThan(frames.seconds); // the UI thread kept producing frames
    // Whether it learns right is the kernel spec's job (training steps match cpu); here: a result.
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
    // The tensor count is the same after every epoch (nothing leaks).
    const tensorCounts = logs.map((line) => /epoch \d+: (\d+) tensors/.exec(line)?.[1]).filter(Boolean);
    expect(tensorCounts).toHaveLength(2);
    expect(new Set(tensorCounts).size).toBe(1);

    mkdirSync(`${root}test-results/window-training`, { recursive: true });
    await page.screenshot({ path: `${root}test-results/window-training/lenet-${backend}-done.png` });
  });
}

test('a window run belongs to the engine: runs list, Evaluate, a reload stops it, Resume continues', async ({
  page,
  engine,
  appUrl,
}) => {
  test.setTimeout(2 * TRAIN_TIMEOUT + 120_000);
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId('train-engine').selectOption('webgl');
  await page.getByTestId('train-optimizer').selectOption('adam');
  await setField(page, 'train-lr', 0.005);
  await setField(page, 'train-epochs', 3);
  await setField(page, 'train-batch-size', 64);
  await setField(page, 'train-limit', 320);
  await page.getByTestId('train-start').click();

  // Registered with the engine: its record says it trains in a window, and the list shows it.
  let runId = '';
  await expect
    .poll(async () => {
      runId = (await engine.listRuns()).find((run) => run.windowBackend === 'webgl')?.id ?? '';
      return runId;
    })
    .not.toBe('');
  await expect(page.getByTestId(`run-${runId}`)).toBeVisible();

  // The first epoch's checkpoint reaches the engine; then the page goes away mid-run.
  const firstEpoch = async () => epochProgress(await engine.getRun(runId));
  await expect.poll(firstEpoch, { timeout: TRAIN_TIMEOUT }).toBe('an epoch done');
  await expect.poll(async () => (await engine.getRun(runId)).resumable).toBe(true);
  // The page loads afresh (the address with the session token, as a new window would).
  await page.goto(appUrl);
  await expect(page.getByTestId('engine-status')).toHaveAttribute('data-status', 'online');
  // The edited settings were autosaved: the fresh page offers them back.
  await expect(page.getByTestId('recovery-dialog')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('recovery-restore').click();
  // Its heartbeat stopped: the engine ends the run as stopped (never "running" forever).
  await expect.poll(async () => (await engine.getRun(runId)).status, { timeout: 30_000 }).toBe('stopped');
  const epochsBefore = (await engine.getRun(runId)).epochs.length;
  expect(epochsBefore).toBeLessThan(3);

  // Resume in the panel restarts it in this window from its checkpoint, under the same id.
  await page.getByTestId('dock-tab-training').click();
  const resume = page.getByTestId(`run-resume-${runId}`);
  await expect(resume).toBeVisible({ timeout: 20_000 });
  await resume.click();
  await expect(page.getByTestId('train-backend')).toContainText('Runs on webgl', { timeout: 60_000 });
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: TRAIN_TIMEOUT });
  const record = await engine.getRun(runId);
  expect(record).toMatchObject({ status: 'done', windowBackend: 'webgl' });
  expect(record.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2, 3]);

  // Evaluate works on it: the confusion matrix, and misclassified images from its saved model.
  await page.getByTestId('train-view-evaluate').click();
  const matrix = page.getByTestId('confusion-matrix');
  await expect(matrix.locator('tbody tr')).toHaveCount(10);
  await expect(page.getByTestId('misclassified-grid').getByTestId('misclassified-item').first()).toBeVisible({
    timeout: 30_000,
  });
  // And every export: the tfjs files carry the weights the window trained.
  const files = await engine.exportModel(record.graph, 'tfjs', runId);
  expect(files.map((file) => file.path)).toEqual(
    expect.arrayContaining([expect.stringMatching(/weights\.bin$/)]),
  );
  mkdirSync(`${root}test-results/window-training`, { recursive: true });
  await page.screenshot({ path: `${root}test-results/window-training/window-run-evaluate.png` });
});

test('the GPU lost mid-run (WebGL context lost): the run fails with a message and keeps its checkpoint', async ({
  page,
  engine,
}) => {
  test.setTimeout(TRAIN_TIMEOUT + 120_000);
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId('train-engine').selectOption('webgl');
  await setField(page, 'train-epochs', 5);
  await setField(page, 'train-batch-size', 64);
  await setField(page, 'train-limit', 300);
  await page.getByTestId('train-start').click();
  let runId = '';
  const firstEpoch = async () => {
    const run = (await engine.listRuns()).find((candidate) => candidate.windowBackend === 'webgl');
    runId = run?.id ?? '';
    return run ? epochProgress(run) : 'not registered';
  };
  await expect.poll(firstEpoch, { timeout: TRAIN_TIMEOUT }).toBe('an epoch done');
  // Lose the worker's WebGL context as a driver reset would (WEBGL_lose_context), reaching
  // tfjs's engine through the global it registers itself under.
  const worker = page.workers().find((candidate) => /worker/.test(candidate.url()));
  expect(worker, 'the training worker').toBeTruthy();
  await worker!.evaluate(() => {
    const engine = (
      globalThis as unknown as { _tfengine: { backend: { gpgpu: { gl: WebGL2RenderingContext } } } }
    )._tfengine;
    engine.backend.gpgpu.gl.getExtension('WEBGL_lose_context')!.loseContext();
  });
  await expect(page.getByTestId('train-status')).toHaveText('failed', { timeout: 60_000 });
  await expect(page.getByTestId('train-failure')).toContainText('The GPU was lost while training on webgl');
  const record = await engine.getRun(runId);
  expect(record).toMatchObject({ status: 'failed', resumable: true });
  expect(record.error).toMatch(/keeps its last checkpoint/);
});
