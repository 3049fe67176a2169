/**
 * Where the engine keeps its data (runs, checkpoints, dataset caches, projects, recovery).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `CNN_STUDIO_DATA_DIR` if set, else `$XDG_DATA_HOME/cnn-studio`, else
 * `~/.local/share/cnn-studio`. Always absolute. Does not create the directory.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.CNN_STUDIO_DATA_DIR) return resolve(env.CNN_STUDIO_DATA_DIR);
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  if (env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/')) return join(env.XDG_DATA_HOME, 'cnn-studio');
  return join(home, '.local', 'share', 'cnn-studio');
}
