/**
 * `cnn-studio serve` options: parsing and checking, with messages naming the bad value.
 */
import { isLoopback } from './web-server';

export interface ServeOptions {
  port: number;
  /** True when the person chose the port (a busy one is then an error, not a fallback). */
  portGiven: boolean;
  host: string;
  allowRemote: boolean;
  open: boolean;
  help: boolean;
}

/** The usual port; when busy and not asked for explicitly, a free one is used instead. */
export const DEFAULT_PORT = 5178;

export const serveUsage = `Usage: cnn-studio serve [--port N] [--host H] [--allow-remote] [--no-open]

Starts the engine and the editor in the browser (browser mode).

  --port N         port to listen on (default ${DEFAULT_PORT}, or a free one if busy; 0 = any free port)
  --host H         address to bind (default 127.0.0.1)
  --allow-remote   required to bind an address other machines can reach
  --no-open        do not open a browser

The printed URL carries a session token; only a page opened from it can drive the engine.
Set CNN_STUDIO_TOKEN to fix the token (tests), CNN_STUDIO_DATA_DIR to choose the data folder.`;

export class ServeUsageError extends Error {
  override name = 'ServeUsageError';
}

export function parseServeArgs(args: readonly string[]): ServeOptions {
  const options: ServeOptions = { port: DEFAULT_PORT, portGiven: false, host: '127.0.0.1', allowRemote: false, open: true, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new ServeUsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port > 65535) throw new ServeUsageError(`--port must be a whole number from 0 to 65535, got '${raw}'`);
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
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new ServeUsageError(`unknown option '${arg}'`);
    }
  }
  if (!isLoopback(options.host) && !options.allowRemote) {
    throw new ServeUsageError(`--host ${options.host} would let other machines reach the engine; add --allow-remote if you mean it (the session token is still required)`);
  }
  return options;
}

/** The session token: `CNN_STUDIO_TOKEN` if set (checked), else `fresh()`. */
export function sessionToken(env: NodeJS.ProcessEnv, fresh: () => string): string {
  const fixed = env.CNN_STUDIO_TOKEN;
  if (fixed === undefined || fixed === '') return fresh();
  if (!/^[A-Za-z0-9_-]{8,200}$/.test(fixed)) throw new ServeUsageError('CNN_STUDIO_TOKEN must be 8 to 200 characters of A-Z, a-z, 0-9, _ or -');
  return fixed;
}
