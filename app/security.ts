/**
 * The window's security settings, as plain data and pure decisions, so they can be tested
 * without Electron: webPreferences, the Content-Security-Policy, and what navigation,
 * new windows and permission requests are allowed.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The custom scheme the renderer is served from (see renderer-protocol.ts). */
export const appScheme = 'app';
/** The one host of that scheme: the renderer's origin is `app://renderer`. */
export const appHost = 'renderer';
export const appOrigin = `${appScheme}://${appHost}`;
/** The page the window opens. */
export const appIndexUrl = `${appOrigin}/index.html`;

/**
 * The renderer's Content-Security-Policy. Everything is served from `app://renderer`;
 * the engine is reached over a MessagePort, so the page needs no network at all.
 * `style-src 'unsafe-inline'` is there because React Flow and uPlot position elements
 * with inline `style` attributes; scripts stay strictly `'self'`.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Chromium switches the app needs on `platform`: Linux Chromium ships WebGPU behind
 * `enable-unsafe-webgpu` (macOS and Windows have it on), and a run can train on the
 * window's WebGPU. It changes no web-security setting: sandbox, context isolation and the
 * CSP stay as they are (the training worker is a same-origin module script: `worker-src 'self'`).
 */
export function chromiumSwitches(platform: NodeJS.Platform): string[] {
  return platform === 'linux' ? ['enable-unsafe-webgpu'] : [];
}

/** Headers added to every response served to the renderer. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/** webPreferences for the editor window: isolated, sandboxed, no Node in the page. */
export function editorWebPreferences(
  preloadPath: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** Options of the editor window. It is shown once its first paint is ready. */
export function editorWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'CNN Studio',
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: editorWebPreferences(preloadPath),
  };
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether `url` is a page of the app itself (`app://renderer/...`). */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${appScheme}:` && parsed.host === appHost;
}

/** Only https links leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
}

/** What to do with a navigation or a new-window request. */
export interface NavigationDecision {
  /** Let the window navigate (only within the app). */
  allow: boolean;
  /** Open this URL in the system browser instead (https only). */
  openExternal: string | null;
}

/** `will-navigate`: stay inside the app; https links go to the system browser; the rest is dropped. */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return { allow: true, openExternal: null };
  return { allow: false, openExternal: isSafeExternalUrl(url) ? url : null };
}

/** `setWindowOpenHandler`: never a new Electron window; https links go to the system browser. */
export function decideWindowOpen(url: string): NavigationDecision {
  return { allow: false, openExternal: isSafeExternalUrl(url) ? url : null };
}

/** Permissions the page may have: writing to the clipboard (copy of nodes); nothing else. */
const allowedPermissions = new Set(['clipboard-sanitized-write']);

/** Permission requests (camera, notifications, geolocation, …) are denied unless listed above. */
export function decidePermission(permission: string, requestingUrl: string): boolean {
  return allowedPermissions.has(permission) && isAppUrl(requestingUrl);
}
