import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('prefers CNN_STUDIO_DATA_DIR, made absolute', () => {
    expect(resolveDataDir({ CNN_STUDIO_DATA_DIR: '/srv/cnn', XDG_DATA_HOME: '/x' }, '/home/a')).toBe(
      '/srv/cnn',
    );
    expect(resolveDataDir({ CNN_STUDIO_DATA_DIR: 'rel' }, '/home/a')).toBe(`${process.cwd()}/rel`);
  });
  it('uses XDG_DATA_HOME when absolute, else ~/.local/share', () => {
    expect(resolveDataDir({ XDG_DATA_HOME: '/data' }, '/home/a')).toBe('/data/cnn-studio');
    expect(resolveDataDir({ XDG_DATA_HOME: 'relative' }, '/home/a')).toBe('/home/a/.local/share/cnn-studio');
    expect(resolveDataDir({}, '/home/a')).toBe('/home/a/.local/share/cnn-studio');
  });
});
