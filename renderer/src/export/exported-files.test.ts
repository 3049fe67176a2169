import { describe, expect, it } from 'vitest';
import { formatSize, toDownloadable } from './exported-files';

describe('exported files → downloads', () => {
  it('encodes text as UTF-8 and names the download after the last path part', () => {
    const file = toDownloadable({ path: 'lenet/model.py', content: 'π = 3\n', encoding: 'utf8' });
    expect(file.name).toBe('model.py');
    expect(file.mime).toBe('text/x-python');
    expect(file.bytes.length).toBe(7); // π is two bytes
  });

  it('decodes base64 binaries byte for byte', () => {
    const file = toDownloadable({ path: 'weights.bin', content: 'AAEC/w==', encoding: 'base64' });
    expect([...file.bytes]).toEqual([0, 1, 2, 255]);
    expect(file.mime).toBe('application/octet-stream');
  });

  it('names the file whose base64 is broken', () => {
    expect(() =>
      toDownloadable({ path: 'group1-shard1of1.bin', content: '@@not base64@@', encoding: 'base64' }),
    ).toThrow(/group1-shard1of1\.bin: not valid base64/);
  });

  it('formats sizes', () => {
    expect(formatSize(812)).toBe('812 B');
    expect(formatSize(246_170)).toBe('240.4 KB');
    expect(formatSize(1_300_000)).toBe('1.2 MB');
  });
});
