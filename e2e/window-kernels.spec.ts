/**
 * Every training kernel LeNet and BN-LeNet need, on the window's GPU backends (webgl and
 * webgpu, here on SwiftShader) against the cpu backend, in Chromium on a page served from
 * 127.0.0.1 (WebGPU needs a secure context). Also: the engine's training-kernel check
 * passes for both presets on both backends.
 *
 * Tolerance: |gpu − cpu| ≤ 1e-4 × max(1, max |cpu|) for every element of every output —
 * float32 on both sides, differing only in summation order and transcendental functions
 * (SwiftShader measures ≤ 2e-6; the margin is for real GPUs' faster exp/log).
 */
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaledMaxError, type CaseValues } from './window-kernels/cases';
import type { KernelPage } from './window-kernels/page';
import { windowGpuLaunchOptions } from './window-gpu';

const TOLERANCE = 1e-4;
const GPU_BACKENDS = ['webgl', 'webgpu'] as const;
const PRESETS = ['lenet', 'bn-lenet'] as const;

test.use({ launchOptions: windowGpuLaunchOptions });
test.describe.configure({ mode: 'serial' });

let outDir = '';
let server: Server;
let pageUrl = '';

test.beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'cnn-kernels-'));
  await build({
    entryPoints: [fileURLToPath(new URL('./window-kernels/page.ts', import.meta.url))],
    outfile: join(outDir, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  });
  const files: Record<string, [string, string]> = {
    '/': [
      'text/html',
      '<!doctype html><html><body><script type="module" src="page.js"></script></body></html>',
    ],
    '/page.js': ['text/javascript', readFileSync(join(outDir, 'page.js'), 'utf8')],
  };
  server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    response.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the page server has no port');
  pageUrl = `http://127.0.0.1:${address.port}/`;
});

/**
 * WebGPU errors Chromium prints for the page: a pipeline the adapter refused did not run, nor
 * did the dispatches queued with it, so any one means wrong numbers (even where a comparison
 * happens to pass).
 */
let gpuErrors: string[] = [];
test.beforeEach(({ page }) => {
  gpuErrors = [];
  page.on('console', (message) => {
    if (
      /is invalid due to a previous error|exceeds the maximum|While (calling|validating|encoding) /.test(
        message.text(),
      )
    )
      gpuErrors.push(message.text().split('\n')[0]);
  });
});
test.afterEach(() => {
  expect([...new Set(gpuErrors)], 'WebGPU errors in the page').toEqual([]);
});

test.afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('every training kernel on webgl and webgpu matches cpu', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(pageUrl);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run = (backend: string) =>
    page.evaluate(
      (name) => (globalThis as unknown as { kernelPage: KernelPage }).kernelPage.runCases(name),
      backend,
    );
  const reference = await run('cpu');
  const failures: string[] = [];
  for (const backend of GPU_BACKENDS) {
    const device = await page.evaluate(
      (name) => (globalThis as unknown as { kernelPage: KernelPage }).kernelPage.deviceInfo(name),
      backend,
    );
    const results: CaseValues[] = await run(backend);
    console.log(`${backend} on ${device}:`);
    for (const [i, expected] of reference.entries()) {
      const actual = results[i];
      const errors = Object.entries(expected.outputs).map(([key, output]) => {
        const got = actual.outputs[key];
        expect(got.shape, `${backend} ${expected.name} ${key} shape`).toEqual(output.shape);
        return [key, scaledMaxError(got.values, output.values)] as const;
      });
      console.log(
        `  ${expected.name}: ${errors.map(([key, e]) => `${key} ${e.toExponential(1)}`).join(', ')}`,
      );
      for (const [key, error] of errors) {
        if (!(error <= TOLERANCE)) failures.push(`${backend} ${expected.name} ${key}: error ${error}`);
      }
    }
  }
  expect(failures).toEqual([]);
});

test('the engine finds every gradient kernel LeNet and BN-LeNet need on webgl and webgpu', async ({
  page,
}) => {
  await page.goto(pageUrl);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  for (const backend of GPU_BACKENDS) {
    for (const preset of PRESETS) {
      const missing = await page.evaluate(
        ([name, id]) =>
          (globalThis as unknown as { kernelPage: KernelPage }).kernelPage.missingTrainingKernel(name, id),
        [backend, preset] as const,
      );
      expect(missing, `${preset} on ${backend}`).toBeNull();
    }
  }
});

test('whole-model gradients of LeNet and BN-LeNet on webgl and webgpu match cpu', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(pageUrl);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const gradients = (backend: string, preset: string) =>
    page.evaluate(
      ([name, id]) =>
        (globalThis as unknown as { kernelPage: KernelPage }).kernelPage.modelGradients(name, id),
      [backend, preset] as const,
    );
  const failures: string[] = [];
  for (const preset of PRESETS) {
    const reference = await gradients('cpu', preset);
    for (const backend of GPU_BACKENDS) {
      const result = await gradients(backend, preset);
      const errors = reference.map(
        ({ name, values }, i) => [name, scaledMaxError(result[i].values, values)] as const,
      );
      console.log(
        `${preset} on ${backend}: ${errors.map(([name, e]) => `${name} ${e.toExponential(1)}`).join(', ')}`,
      );
      for (const [name, error] of errors)
        if (!(error <= TOLERANCE)) failures.push(`${preset} ${backend} ${name}: ${error}`);
    }
  }
  expect(failures).toEqual([]);
});

test('training steps of LeNet and BN-LeNet on webgl and webgpu follow cpu', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto(pageUrl);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const steps = (backend: string, preset: string, optimizer: 'adam' | 'sgd') =>
    page.evaluate(
      ([name, id, opt]) =>
        (globalThis as unknown as { kernelPage: KernelPage }).kernelPage.trainSteps(name, id, opt, 5),
      [backend, preset, optimizer] as const,
    );
  for (const preset of PRESETS) {
    for (const optimizer of ['sgd', 'adam'] as const) {
      const reference = await steps('cpu', preset, optimizer);
      for (const backend of GPU_BACKENDS) {
        const result = await steps(backend, preset, optimizer);
        const weightError = scaledMaxError(result.weights, reference.weights);
        console.log(
          `${preset} ${optimizer} on ${backend}: losses ${result.losses.map((l) => l.toFixed(4)).join(' ')} (cpu ${reference.losses.map((l) => l.toFixed(4)).join(' ')}), weights after 5 steps ${weightError.toExponential(1)}`,
        );
        expect(
          scaledMaxError(result.losses, reference.losses),
          `${preset} ${optimizer} ${backend} losses`,
        ).toBeLessThan(1e-3);
        // Adam's m/√v turns float noise in near-zero gradients (a convolution's bias that batch
        // norm cancels) into full-size steps, so its weights legitimately differ; SGD's must not.
        if (optimizer === 'sgd')
          expect(weightError, `${preset} ${optimizer} ${backend} weights`).toBeLessThan(1e-3);
      }
    }
  }
});
