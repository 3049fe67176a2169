import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseServeArgs, sessionToken } from './serve-options';

describe('serve options', () => {
  it('defaults to 127.0.0.1 on the usual port, opening a browser', () => {
    expect(parseServeArgs([])).toEqual({ port: DEFAULT_PORT, portGiven: false, host: '127.0.0.1', allowRemote: false, open: true, help: false });
  });

  it('reads --port, --host, --allow-remote and --no-open in either form', () => {
    expect(parseServeArgs(['--port', '0', '--no-open'])).toMatchObject({ port: 0, portGiven: true, open: false });
    expect(parseServeArgs(['--port=8080', '--host=0.0.0.0', '--allow-remote'])).toMatchObject({ port: 8080, host: '0.0.0.0', allowRemote: true });
    expect(parseServeArgs(['--host', 'localhost'])).toMatchObject({ host: 'localhost' });
  });

  it('names the bad value', () => {
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow("--port must be a whole number from 0 to 65535, got 'abc'");
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
});
