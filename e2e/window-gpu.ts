/**
 * Browser settings of the window-training specs: the shared Chromium flags plus WebGPU.
 * Here Chromium has no hardware GPU; with these flags it gives WebGPU a SwiftShader
 * (fallback) adapter and WebGL2 ANGLE-on-SwiftShader with float render targets, even with
 * the shared config's `--disable-gpu` (measured with Chromium 156).
 */
import type { LaunchOptions } from '@playwright/test';
import config from './playwright.config';

const shared = config.use?.launchOptions ?? {};

/** `test.use({ launchOptions: windowGpuLaunchOptions })` in a window-training spec. */
export const windowGpuLaunchOptions: LaunchOptions = {
  ...shared,
  args: [...(shared.args ?? []), '--enable-unsafe-webgpu'],
};
