import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, loadTlsFiles, parseServeArgs, sessionToken } from './serve-options';

describe('serve options', () => {
  it('defaults to 127.0.0.1 on the usual port, opening a browser', () => {
    expect(parseServeArgs([])).toEqual({
      port: DEFAULT_PORT,
      portGiven: false,
      host: '127.0.0.1',
      allowRemote: false,
      open: true,
      help: false,
    });
  });

  it('reads --port, --host, --allow-remote and --no-open in either form', () => {
    expect(parseServeArgs(['--port', '0', '--no-open'])).toMatchObject({
      port: 0,
      portGiven: true,
      open: false,
    });
    expect(parseServeArgs(['--port=8080', '--host=0.0.0.0', '--allow-remote'])).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      allowRemote: true,
    });
    expect(parseServeArgs(['--host', 'localhost'])).toMatchObject({ host: 'localhost' });
  });

  it('names the bad value', () => {
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow(
      "--port must be a whole number from 0 to 65535, got 'abc'",
    );
    expect(() => parseServeArgs(['--port', '70000'])).toThrow("got '70000'");
    expect(() => parseServeArgs(['--port'])).toThrow('--port needs a value');
    expect(() => parseServeArgs(['--fast'])).toThrow("unknown option '--fast'");
  });

  it('refuses a non-loopback host without --allow-remote', () => {
    expect(() => parseServeArgs(['--host', '0.0.0.0'])).toThrow('add --allow-remote');
    expect(() => parseServeArgs(['--host', '192.168.1.10'])).toThrow('--host 192.168.1.10');
  });

  it('takes a fixed token from CNN_STUDIO_TOKEN, checked, or a fresh one', () => {
    expect(sessionToken({}, () => 'fresh')).toBe('fresh');
    expect(sessionToken({ CNN_STUDIO_TOKEN: 'e2e-token-1' }, () => 'fresh')).toBe('e2e-token-1');
    expect(() => sessionToken({ CNN_STUDIO_TOKEN: 'a b' }, () => 'x')).toThrow('CNN_STUDIO_TOKEN must be');
  });

  it('reads --tls-cert and --tls-key, which go together', () => {
    expect(parseServeArgs(['--tls-cert', 'c.pem', '--tls-key=k.pem'])).toMatchObject({
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
    });
    expect(() => parseServeArgs(['--tls-cert', 'c.pem'])).toThrow('--tls-cert needs --tls-key too');
    expect(() => parseServeArgs(['--tls-key', 'k.pem'])).toThrow('--tls-key needs --tls-cert too');
  });

  it('names a missing or unusable certificate file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnn-tls-opts-'));
    try {
      expect(await loadTlsFiles({})).toBeUndefined();
      const cert = join(dir, 'cert.pem');
      await expect(loadTlsFiles({ tlsCert: cert, tlsKey: cert })).rejects.toThrow(
        `cannot read --tls-cert ${cert}: no such file`,
      );
      await writeFile(cert, 'not a certificate');
      await expect(loadTlsFiles({ tlsCert: cert, tlsKey: cert })).rejects.toThrow(
        'are not a usable PEM certificate and key',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
