import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { chooseTargets, prepareStandInRuntime, resolveRuntime } from './package-app.mjs';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-package-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const electronVersion = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;

describe('package-app: the Electron runtime', () => {
  it('builds a stand-in shaped like an unpacked Electron, whose executable says what is missing', () => {
    const dir = path.join(tempDir(), 'stand-in');
    prepareStandInRuntime(dir);
    const executable = path.join(dir, 'electron');
    accessSync(executable, constants.X_OK);
    expect(readFileSync(path.join(dir, 'version'), 'utf8')).toBe(electronVersion);
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toMatch(/Electron/);
    expect(readFileSync(path.join(dir, 'resources', 'ELECTRON-RUNTIME-MISSING.txt'), 'utf8')).toContain(
      electronVersion,
    );
    let failure: { status: number; stderr: string } | null = null;
    try {
      execFileSync(executable, [], { stdio: 'pipe' });
    } catch (error) {
      failure = {
        status: (error as { status: number }).status,
        stderr: String((error as { stderr: Buffer }).stderr),
      };
    }
    expect(failure?.status).toBe(127);
    expect(failure?.stderr).toContain(`electron-v${electronVersion}-linux-x64.zip`);
  });

  it('falls back to the stand-in when node_modules/electron/dist has no binary', () => {
    const project = tempDir();
    mkdirSync(path.join(project, 'node_modules', 'electron', 'dist'), { recursive: true });
    const runtime = resolveRuntime(null, { projectRoot: project });
    expect(runtime.kind).toBe('stand-in');
    expect(runtime.dist).toBe(path.join(project, '.cache', `electron-stand-in-${electronVersion}`));
  });

  it('takes a given unpacked Electron folder', () => {
    const dir = path.join(tempDir(), 'electron-dist');
    prepareStandInRuntime(dir);
    expect(resolveRuntime(dir)).toEqual({ dist: dir, kind: 'given' });
  });

  it('names a given path that is missing or is no Electron', () => {
    expect(() => resolveRuntime('/no/such/electron-dist')).toThrow(
      "no such file or folder: '/no/such/electron-dist'",
    );
    const empty = tempDir();
    expect(() => resolveRuntime(empty)).toThrow(`'${empty}' is neither an unpacked Electron`);
  });
});

describe('package-app: targets', () => {
  it('makes only the unpacked folder with a stand-in runtime, and refuses installers', () => {
    expect(chooseTargets('stand-in', null)).toEqual(['dir']);
    expect(() => chooseTargets('stand-in', ['dir', 'AppImage', 'deb'])).toThrow(/not AppImage, deb/);
  });

  it('makes the folder, AppImage and deb with a real runtime', () => {
    expect(chooseTargets('installed', null)).toEqual(['dir', 'AppImage', 'deb']);
    expect(chooseTargets('given', ['deb'])).toEqual(['deb']);
  });
});
