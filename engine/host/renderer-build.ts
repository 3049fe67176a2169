/**
 * Makes sure the built renderer exists before serving it: builds it with Vite (the
 * editor's config) when dist/renderer/index.html is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Returns the static folder, building it first if needed; throws saying why it can't. */
export async function ensureRendererBuilt(root: string, log: (message: string) => void): Promise<string> {
  const outDir = join(root, 'dist', 'renderer');
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  const config = join(root, 'renderer', 'vite.config.ts');
  if (!existsSync(config))
    throw new Error(
      `the editor is not built (${outDir} is missing) and cannot be built here (${config} is missing)`,
    );
  log('Building the editor (first start)…');
  // The build's chatter goes to stderr: stdout carries only the URL line.
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], {
      cwd: root,
      stdio: ['ignore', 2, 2],
    });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 || !existsSync(join(outDir, 'index.html')))
    throw new Error(
      `building the editor failed (vite exited with ${code}); run \`npm run build:renderer\` to see why`,
    );
  return outDir;
}
