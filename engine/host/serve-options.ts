/**
 * `cnn-studio serve` options: parsing and checking, with messages naming the bad value.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { isLoopback } from './web-server';

export interface ServeOptions {
  port: number;
  /** True when the person chose the port (a busy one is then an error, not a fallback). */
  portGiven: boolean;
  host: string;
  allowRemote: boolean;
  open: boolean;
  help: boolean;
  /** PEM certificate and key files: serve HTTPS/WSS (both or neither). */
  tlsCert?: string;
  tlsKey?: string;
}

/** The usual port; when busy and not asked for explicitly, a free one is used instead. */
export const DEFAULT_PORT = 5178;

export const serveUsage = `Usage: cnn-studio serve [--port N] [--host H] [--allow-remote] [--tls-cert FILE --tls-key FILE] [--no-open]

Starts the engine and the editor in the browser (browser mode).

  --port N         port to listen on (default ${DEFAULT_PORT}, or a free one if busy; 0 = any free port)
  --host H         address to bind (default 127.0.0.1)
  --allow-remote   required to bind an address other machines can reach
  --tls-cert FILE  serve HTTPS and WSS with this PEM certificate (with --tls-key)
  --tls-key FILE   the certificate's PEM private key
  --no-open        do not open a browser

The printed URL carries a session token; the first page load trades it for a cookie and
drops it from the address bar. Only someone with the token can drive the engine.
For remote use prefer an SSH tunnel (ssh -L 8080:127.0.0.1:8080 gpu-box, then serve
--port 8080 on the GPU box), or --allow-remote with TLS so the token is never sent in clear.
Set CNN_STUDIO_TOKEN to fix the token (tests), CNN_STUDIO_DATA_DIR to choose the data folder.`;

export class ServeUsageError extends Error {
  override name = 'ServeUsageError';
}

export function parseServeArgs(args: readonly string[]): ServeOptions {
  const options: ServeOptions = {
    port: DEFAULT_PORT,
    portGiven: false,
    host: '127.0.0.1',
    allowRemote: false,
    open: true,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new ServeUsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port > 65535)
          throw new ServeUsageError(`--port must be a whole number from 0 to 65535, got '${raw}'`);
        options.port = port;
        options.portGiven = true;
        break;
      }
      case '--host':
        options.host = value();
        break;
      case '--allow-remote':
        options.allowRemote = true;
        break;
      case '--no-open':
        options.open = false;
        break;
      case '--tls-cert':
        options.tlsCert = value();
        break;
      case '--tls-key':
        options.tlsKey = value();
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new ServeUsageError(`unknown option '${arg}'`);
    }
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new ServeUsageError(
      `${options.tlsCert === undefined ? '--tls-key' : '--tls-cert'} needs ${options.tlsCert === undefined ? '--tls-cert' : '--tls-key'} too (TLS takes a certificate and its key)`,
    );
  }
  if (!isLoopback(options.host) && !options.allowRemote) {
    throw new ServeUsageError(
      `--host ${options.host} would let other machines reach the engine; add --allow-remote if you mean it (the session token is still required)`,
    );
  }
  return options;
}

/** The session token: `CNN_STUDIO_TOKEN` if set (checked), else `fresh()`. */
export function sessionToken(env: NodeJS.ProcessEnv, fresh: () => string): string {
  const fixed = env.CNN_STUDIO_TOKEN;
  if (fixed === undefined || fixed === '') return fresh();
  if (!/^[A-Za-z0-9_-]{8,200}$/.test(fixed))
    throw new ServeUsageError('CNN_STUDIO_TOKEN must be 8 to 200 characters of A-Z, a-z, 0-9, _ or -');
  return fixed;
}

/** Reads and checks the TLS certificate and key, naming the file or the problem. */
export async function loadTlsFiles(
  options: Pick<ServeOptions, 'tlsCert' | 'tlsKey'>,
): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (options.tlsCert === undefined || options.tlsKey === undefined) return undefined;
  const read = async (flag: string, file: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ServeUsageError(
        `cannot read ${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`,
        { cause: error },
      );
    }
  };
  const cert = await read('--tls-cert', options.tlsCert);
  const key = await read('--tls-key', options.tlsKey);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ServeUsageError(
      `--tls-cert ${options.tlsCert} and --tls-key ${options.tlsKey} are not a usable PEM certificate and key: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { cert, key };
}
