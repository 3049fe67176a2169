import { describe, expect, it } from 'vitest';
import {
  appIndexUrl,
  chromiumSwitches,
  contentSecurityPolicy,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  editorWindowOptions,
  isAppUrl,
  securityHeaders,
} from './security';

/** The CSP as a map from directive to its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('editor window options', () => {
  const options = editorWindowOptions('/app/dist/app/preload.cjs');
  const prefs = options.webPreferences ?? {};

  it('isolates and sandboxes the page and keeps Node out of it', () => {
    expect(prefs).toMatchObject({
      preload: '/app/dist/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('waits for the first paint before showing the window', () => {
    expect(options.show).toBe(false);
    expect(options.title).toBe('CNN Studio');
  });
});

describe('content security policy', () => {
  const csp = directives(contentSecurityPolicy);

  it('denies by default and runs only the app’s own scripts', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy).not.toMatch(/unsafe-eval/);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('allows no plugins, frames, base changes, or form posts', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('reaches no other host: the engine is behind a MessagePort', () => {
    for (const [name, sources] of csp) {
      for (const source of sources) {
        expect(source, `${name} ${source}`).toMatch(/^('self'|'none'|'unsafe-inline'|data:|blob:)$/);
      }
    }
  });

  it('is sent with the other security headers', () => {
    expect(securityHeaders()).toMatchObject({
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('navigation guard', () => {
  it('stays inside app://renderer', () => {
    expect(isAppUrl(appIndexUrl)).toBe(true);
    expect(decideNavigation('app://renderer/index.html#/runs')).toEqual({ allow: true, openExternal: null });
  });

  it.each([
    ['https://d2l.ai/chapter_convolutional-modern/', 'https://d2l.ai/chapter_convolutional-modern/'],
    ['http://example.com/', null],
    ['file:///etc/passwd', null],
    ['javascript:alert(1)', null],
    ['app://other-host/index.html', null],
    ['https://user:secret@example.com/', null],
    ['not a url', null],
  ])('refuses to navigate to %s (external: %s)', (url, external) => {
    expect(decideNavigation(url)).toEqual({ allow: false, openExternal: external });
  });

  it('never opens a new Electron window, even for app pages', () => {
    expect(decideWindowOpen('app://renderer/index.html')).toEqual({ allow: false, openExternal: null });
    expect(decideWindowOpen('https://github.com/')).toEqual({
      allow: false,
      openExternal: 'https://github.com/',
    });
    expect(decideWindowOpen('mailto:someone@example.com')).toEqual({ allow: false, openExternal: null });
  });
});

describe('permissions', () => {
  it('grants clipboard writes to the app page only', () => {
    expect(decidePermission('clipboard-sanitized-write', 'app://renderer/index.html')).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])(
    'denies %s',
    (permission) => {
      expect(decidePermission(permission, 'app://renderer/index.html')).toBe(false);
    },
  );
});

describe('chromium switches', () => {
  it('turns on WebGPU on Linux only, and nothing that weakens the sandbox', () => {
    expect(chromiumSwitches('linux')).toEqual(['enable-unsafe-webgpu']);
    expect(chromiumSwitches('darwin')).toEqual([]);
    expect(chromiumSwitches('win32')).toEqual([]);
    for (const name of chromiumSwitches('linux')) expect(name).not.toMatch(/sandbox|web-security|isolation/);
  });
});
