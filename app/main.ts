/**
 * Electron main process of CNN Studio: one instance, one editor window served from
 * `app://renderer`, the engine in a utility process with a MessagePort straight to the
 * window, native menus and dialogs. It never trains (docs/architecture.md).
 *
 * Bundled by scripts/build-app.mjs to dist/app/main.cjs; paths below are relative to it.
 */
import { app, BrowserWindow, dialog, Menu, protocol, session, shell, type MessagePortMain } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MenuCommand } from './bridge';
import { createEditorWindow, type EditorWindow } from './editor-window';
import { engineEnvironment } from './engine-environment';
import { createEngineChannel, forkEngineProcess } from './engine-process';
import { createEngineSupervisor } from './engine-supervisor';
import { registerIpcHandlers } from './ipc-handlers';
import { buildMenuTemplate } from './menu';
import { projectPathsFromArgv } from './project-files';
import { openRecentFilesStore, type RecentFilesStore } from './recent-files-store';
import { createRendererRequestHandler } from './renderer-protocol';
import { appScheme, chromiumSwitches, isSafeExternalUrl } from './security';
import { guardSession, guardWebContents } from './web-guards';

const distDir = path.join(__dirname, '..');
const paths = {
  preload: path.join(__dirname, 'preload.cjs'),
  renderer: path.join(distDir, 'renderer'),
  engine: path.join(distDir, 'engine', 'utility-process.mjs'),
};

const log = (message: string): void => console.log(`[cnn-studio] ${message}`);

const openExternal = (url: string): void => {
  if (isSafeExternalUrl(url)) void shell.openExternal(url);
};

// Must happen before `ready`: gives app:// a real origin ('self' in the CSP), fetch and code cache.
protocol.registerSchemesAsPrivileged([
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

// Also before `ready`: WebGPU for training in the window where the platform hides it.
for (const name of chromiumSwitches(process.platform)) app.commandLine.appendSwitch(name);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  startApp();
}

function startApp(): void {
  const editors = new Map<number, EditorWindow>();
  let recentFiles: RecentFilesStore | null = null;
  let quitRequested = false;
  let engineStopped = false;
  /** Files to open once the editor has loaded (command line, macOS open-file). */
  const pendingOpen: string[] = projectPathsFromArgv(process.argv.slice(1), process.cwd());

  const supervisor = createEngineSupervisor<MessagePortMain>({
    spawnEngine: () =>
      forkEngineProcess(paths.engine, engineEnvironment(process.env, process.resourcesPath, existsSync), log),
    createChannel: createEngineChannel,
    log,
  });

  const mainEditor = (): EditorWindow | undefined => {
    const focused = BrowserWindow.getFocusedWindow();
    return (focused && editors.get(focused.webContents.id)) ?? editors.values().next().value;
  };

  const sendCommand = (command: MenuCommand): void => mainEditor()?.sendCommand(command);

  const openPaths = (filePaths: string[]): void => {
    const editor = mainEditor();
    if (!editor || editor.window.webContents.isLoading()) {
      pendingOpen.push(...filePaths);
      return;
    }
    for (const filePath of filePaths) editor.sendCommand({ type: 'open-path', path: filePath });
    if (editor.window.isMinimized()) editor.window.restore();
    editor.window.focus();
  };

  const installMenu = (): void => {
    const template = buildMenuTemplate({
      platform: process.platform,
      appName: app.name,
      recentFiles: recentFiles?.list() ?? [],
      actions: {
        sendCommand,
        clearRecentFiles: () => void recentFiles?.clear(),
        restartEngine: () => supervisor.restart(),
        openExternal,
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const openEditor = (): void => {
    const editor = createEditorWindow({
      preloadPath: paths.preload,
      log,
      onCloseCancelled: () => {
        quitRequested = false;
      },
    });
    const id = editor.window.webContents.id;
    editors.set(id, editor);
    editor.window.webContents.on('did-finish-load', () => openPaths(pendingOpen.splice(0)));
    editor.window.on('closed', () => editors.delete(id));
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    // Opens the files given to the second instance, and in any case brings this window forward.
    openPaths(projectPathsFromArgv(argv.slice(1), workingDirectory));
  });
  app.on('open-file', (event, filePath) => {
    event.preventDefault();
    openPaths([filePath]);
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openExternal));
  app.on('before-quit', () => {
    quitRequested = true;
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || quitRequested) app.quit();
  });
  app.on('will-quit', (event) => {
    if (engineStopped) return;
    event.preventDefault();
    void supervisor.stop().finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  app.on('activate', () => {
    if (editors.size === 0) openEditor();
  });

  registerIpcHandlers({
    findEditor: (contents) => editors.get(contents.id),
    supervisor,
    recentFiles: () => {
      if (!recentFiles) throw new Error('the recent-files list is not loaded yet');
      return recentFiles;
    },
    log,
  });

  void app.whenReady().then(async () => {
    if (!existsSync(path.join(paths.renderer, 'index.html'))) {
      dialog.showErrorBox(
        'CNN Studio is not built',
        `The editor is missing: ${paths.renderer}/index.html.\nRun \`npm run build\` first.`,
      );
    }
    protocol.handle(
      appScheme,
      createRendererRequestHandler(paths.renderer, (filePath) => readFile(filePath)),
    );
    guardSession(session.defaultSession);
    recentFiles = await openRecentFilesStore(
      path.join(app.getPath('userData'), 'recent-projects.json'),
      installMenu,
    );
    installMenu();
    supervisor.start();
    openEditor();
  });
}
