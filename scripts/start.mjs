#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run; otherwise says why and starts the
// browser mode (`cnn-studio serve`) with the same arguments.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Why Electron cannot run here, or null if it can. Reads the binary's location the way the
 * `electron` package does, without requiring it (that would try to download the binary).
 */
export function electronUnavailableReason({
  root,
  env = process.env,
  platform = process.platform,
  exists = existsSync,
  read = readFileSync,
}) {
  const pkg = join(root, 'node_modules', 'electron');
  if (!exists(join(pkg, 'package.json'))) return 'the electron package is not installed';
  const pathFile = join(pkg, 'path.txt');
  const relative = exists(pathFile) ? String(read(pathFile, 'utf8')).trim() : null;
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  if (!relative && !env.ELECTRON_OVERRIDE_DIST_PATH)
    return 'the Electron binary was never downloaded (no network access to its host when installing)';
  const binary = join(distDir, relative || 'electron');
  if (!exists(binary)) return `the Electron binary is missing (${binary})`;
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return null;
}

function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  return join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist'), relative);
}

/** Runs a build step once if its output is missing; exits on failure. */
function buildIfMissing(output, label, command, args) {
  if (existsSync(join(root, output))) return;
  console.error(`Building ${label}…`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: building ${label} failed.`);
    process.exit(result.status ?? 1);
  }
}

/** Runs a child with the terminal, passing Ctrl+C on, and exits with its code. */
function runChild(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`npm start: cannot run ${command}: ${error.message}`);
    process.exit(1);
  });
}

function main(args) {
  buildIfMissing('dist/engine/cli.mjs', 'the engine', process.execPath, ['scripts/build-engine.mjs']);
  const reason = electronUnavailableReason({ root });
  if (reason === null) {
    buildIfMissing('dist/renderer/index.html', 'the editor', 'npx', [
      'vite',
      'build',
      '--config',
      'renderer/vite.config.ts',
    ]);
    buildIfMissing('dist/app/main.cjs', 'the desktop shell', process.execPath, ['scripts/build-app.mjs']);
    runChild(electronBinary(), [root, ...args]);
    return;
  }
  console.error(`The desktop app can't start here: ${reason}. Starting the browser mode instead.`);
  runChild(process.execPath, [join(root, 'bin', 'cnn-studio.mjs'), 'serve', ...args]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
