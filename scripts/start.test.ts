import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { electronUnavailableReason } from './start.mjs';

const files = (present: Record<string, string>) => ({
  exists: (p: string) => p in present,
  read: (p: string) => present[p],
});

describe('npm start: can Electron run?', () => {
  const base = { '/r/node_modules/electron/package.json': '{}' };
  it('says the binary was never downloaded when path.txt is missing', () => {
    expect(electronUnavailableReason({ root: '/r', env: {}, platform: 'linux', ...files(base) })).toContain(
      'never downloaded',
    );
  });
  it('says there is no display on a headless Linux box', () => {
    const fs = files({
      ...base,
      '/r/node_modules/electron/path.txt': 'electron',
      '/r/node_modules/electron/dist/electron': '',
    });
    expect(electronUnavailableReason({ root: '/r', env: {}, platform: 'linux', ...fs })).toContain(
      'no display',
    );
    expect(
      electronUnavailableReason({ root: '/r', env: { DISPLAY: ':0' }, platform: 'linux', ...fs }),
    ).toBeNull();
  });
  it('says when the package is not installed at all', () => {
    expect(electronUnavailableReason({ root: '/r', env: {}, platform: 'linux', ...files({}) })).toContain(
      'not installed',
    );
  });
});
