// Packages the desktop app with electron-builder (configuration: electron-builder.yml).
//
//   node scripts/package-app.mjs [--targets dir,AppImage,deb] [--electron-dist <dir|zip>] [--skip-build]
//                                [--no-dataset-caches]
//
// electron-builder normally downloads the Electron runtime (electron-v<version>-linux-x64.zip).
// Where that is impossible (no network but the npm registry, as on our build machine) the
// runtime is taken, in this order, from:
//   1. --electron-dist or CNN_STUDIO_ELECTRON_DIST: an unpacked Electron folder or the release zip;
//   2. node_modules/electron/dist, when the electron package managed to download its binary;
//   3. otherwise a STAND-IN runtime (only for the `dir` target): a folder with Electron's
//      LICENSE and version file and an `electron` shell script that explains what is missing.
//      The package then holds the complete app (resources/app.asar and its unpacked files)
//      but cannot start; copying the real Electron release over it makes it runnable.
// The built-in datasets are converted into the engine's binary caches in .cache/datasets,
// which electron-builder ships as resources/datasets (the app points the engine there)
// instead of the dataset packages' JSON (excluded in electron-builder.yml);
// --no-dataset-caches skips the conversion (a package for engine-only checks).
// No binary is downloaded or committed by this script.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(
  readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

function parseArgs(argv) {
  const options = {
    targets: null,
    electronDist: process.env.CNN_STUDIO_ELECTRON_DIST || null,
    skipBuild: false,
    // The package ships the compact caches, never the dataset packages' 150 MB of JSON.
    datasetCaches: true,
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--targets') options.targets = value().split(',').filter(Boolean);
    else if (arg === '--electron-dist') options.electronDist = value();
    else if (arg === '--skip-build') options.skipBuild = true;
    else if (arg === '--dataset-caches') options.datasetCaches = true;
    else if (arg === '--no-dataset-caches') options.datasetCaches = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\nimport ')[0]
          .replace(/^\/\/ ?/gm, ''),
      );
      process.exit(0);
    } else throw new Error(`unknown option '${arg}' (try --help)`);
  }
  return options;
}

function run(label, command, args) {
  console.log(`package-app: ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${label} failed (exit code ${result.status ?? result.signal})`);
}

function buildEverything() {
  run('building the engine', process.execPath, ['scripts/build-engine.mjs']);
  run('building the renderer', process.execPath, [
    require.resolve('vite/bin/vite.js'),
    'build',
    '--config',
    'renderer/vite.config.ts',
  ]);
  run('building the shell', process.execPath, ['scripts/build-app.mjs']);
}

/** Where --dataset-caches writes; electron-builder.yml ships this folder as resources/datasets. */
export const datasetCacheDir = '.cache/datasets';

/** Writes the built-in datasets' caches with the engine's own writer (bundled on the fly). */
async function writeDatasetCaches() {
  const script = path.join(root, '.cache', 'write-dataset-caches.mjs');
  await build({
    stdin: {
      contents:
        "import { writeShippedCaches } from './engine/datasets/index';\n" +
        'for (const file of await writeShippedCaches(process.argv[2])) console.log(file);\n',
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: script,
    logLevel: 'warning',
  });
  run('writing the built-in dataset caches', process.execPath, [script, path.join(root, datasetCacheDir)]);
}

function checkBuilt() {
  const needed = [
    'dist/app/main.cjs',
    'dist/app/preload.cjs',
    'dist/engine/utility-process.mjs',
    'dist/renderer/index.html',
  ];
  const missing = needed.filter((file) => !existsSync(path.join(root, file)));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (run without --skip-build)`);
}

/** Where electron-builder takes the runtime from: `{ dist, kind }`. */
export function resolveRuntime(requested, { projectRoot = root } = {}) {
  if (requested) {
    const dist = path.resolve(requested);
    if (!existsSync(dist)) throw new Error(`--electron-dist: no such file or folder: '${dist}'`);
    const isRuntimeFolder = statSync(dist).isDirectory() && existsSync(path.join(dist, 'electron'));
    const isZip = dist.endsWith('.zip');
    const hasReleaseZip =
      statSync(dist).isDirectory() && readdirSync(dist).some((name) => /^electron-v.*\.zip$/.test(name));
    if (!isRuntimeFolder && !isZip && !hasReleaseZip) {
      throw new Error(
        `--electron-dist '${dist}' is neither an unpacked Electron (no 'electron' executable in it) nor a release zip`,
      );
    }
    return { dist, kind: 'given' };
  }
  const installed = path.join(projectRoot, 'node_modules/electron/dist');
  if (existsSync(path.join(installed, 'electron'))) return { dist: installed, kind: 'installed' };
  return {
    dist: prepareStandInRuntime(path.join(projectRoot, '.cache', `electron-stand-in-${electronVersion}`)),
    kind: 'stand-in',
  };
}

const standInScript = (version) => `#!/bin/sh
# Stand-in for the Electron ${version} runtime: this package was built where the runtime
# could not be downloaded. The app itself is complete in resources/app.asar.
cat >&2 <<'EOF'
CNN Studio: this package was built without the Electron runtime, so it cannot start.
To finish it, unpack electron-v${version}-linux-x64.zip (from Electron's releases)
into this folder, keep resources/app.asar, and rename the 'electron' binary to 'cnn-studio'.
Or run the browser mode instead: npx cnn-studio serve
EOF
exit 127
`;

/** A folder shaped like an unpacked Electron release, with a script in place of the binary. */
export function prepareStandInRuntime(dir) {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  writeFileSync(path.join(dir, 'electron'), standInScript(electronVersion));
  chmodSync(path.join(dir, 'electron'), 0o755);
  writeFileSync(path.join(dir, 'version'), electronVersion);
  copyFileSync(path.join(root, 'node_modules/electron/LICENSE'), path.join(dir, 'LICENSE'));
  writeFileSync(
    path.join(dir, 'resources', 'ELECTRON-RUNTIME-MISSING.txt'),
    `This package was made with a stand-in for the Electron ${electronVersion} runtime (scripts/package-app.mjs).\n` +
      'resources/app.asar holds the complete app; the Chromium/Electron binaries, libraries, .pak files and locales are absent.\n',
  );
  return dir;
}

/** The Linux targets to build; a stand-in runtime can only make the unpacked folder. */
export function chooseTargets(runtimeKind, requested) {
  const targets = requested ?? (runtimeKind === 'stand-in' ? ['dir'] : ['dir', 'AppImage', 'deb']);
  const notDir = targets.filter((target) => target !== 'dir');
  if (runtimeKind === 'stand-in' && notDir.length > 0) {
    throw new Error(
      'no Electron runtime here (node_modules/electron/dist is empty and no --electron-dist was given): ' +
        `only the 'dir' target can be made, not ${notDir.join(', ')}`,
    );
  }
  return targets;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.skipBuild) buildEverything();
  if (options.datasetCaches) await writeDatasetCaches();
  checkBuilt();
  const runtime = resolveRuntime(options.electronDist);
  const targets = chooseTargets(runtime.kind, options.targets);
  if (runtime.kind === 'stand-in') {
    console.warn(
      `package-app: WARNING: no Electron ${electronVersion} runtime available; packaging with a stand-in. ` +
        'The result holds the whole app but will not start until the real runtime is copied in.',
    );
  } else {
    console.log(
      `package-app: Electron runtime from ${path.relative(root, runtime.dist) || runtime.dist} (${runtime.kind})`,
    );
  }

  run(`electron-builder --linux ${targets.join(' ')}`, process.execPath, [
    require.resolve('electron-builder/cli.js'),
    '--linux',
    ...targets,
    '--publish',
    'never',
    `-c.electronDist=${runtime.dist}`,
  ]);

  const unpacked = path.join(root, 'release', 'linux-unpacked');
  if (existsSync(unpacked)) {
    console.log(`package-app: ${path.relative(root, unpacked)}: ${readdirSync(unpacked).join(', ')}`);
    if (runtime.kind === 'stand-in')
      console.log('package-app: stand-in runtime: see resources/ELECTRON-RUNTIME-MISSING.txt');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`package-app: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
