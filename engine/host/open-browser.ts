/**
 * Opens a URL in the person's browser where one can exist: never fails, never waits.
 */
import { spawn } from 'node:child_process';

/** Returns false (and does nothing) where no browser can be opened, e.g. a headless Linux box. */
export function openBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  const command =
    platform === 'darwin'
      ? ['open', url]
      : platform === 'win32'
        ? ['cmd', '/c', 'start', '""', url]
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? ['xdg-open', url]
          : null;
  if (!command) return false;
  try {
    const child = spawn(command[0], command.slice(1), { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no xdg-open: the printed URL is enough
    child.unref();
    return true;
  } catch {
    return false;
  }
}
