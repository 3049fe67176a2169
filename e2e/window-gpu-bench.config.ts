/**
 * Figures of window training (not tests: nothing here asserts a speed or an accuracy band):
 * `npx playwright test -c e2e/window-gpu-bench.config.ts` runs e2e/window-gpu.bench.ts and
 * prints BN-LeNet's test accuracy after one epoch of 10,000 Fashion-MNIST images on webgl
 * and webgpu, and the editor's frame rate while a node is dragged during a window run.
 * Select one with `-g webgl`, `-g webgpu` or `-g frame`.
 */
import { defineConfig } from '@playwright/test';
import config from './playwright.config';

export default defineConfig({
  ...config,
  testMatch: '**/*.bench.ts',
  retries: 0,
  // SwiftShader trains BN-LeNet at ~13-22 images/s: an epoch of 10,000 takes 8-15 minutes.
  timeout: 90 * 60_000,
});
