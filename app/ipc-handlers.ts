/**
 * The main-process side of the preload bridge. Every message is checked: it must come
 * from the top frame of one of our editor windows showing an `app://renderer` page, and
 * its arguments must have the expected types.
 */
import {
  app,
  dialog,
  ipcMain,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import path from 'node:path';
import type { EditorWindow } from './editor-window';
import type { EngineClient, EngineSupervisor } from './engine-supervisor';
import { ipcChannels } from './ipc-channels';
import { defaultSavePath, projectFileFilters, withProjectExtension } from './project-files';
import type { RecentFilesStore } from './recent-files-store';
import { isAppUrl } from './security';

export interface IpcHandlerOptions {
  findEditor(contents: WebContents): EditorWindow | undefined;
  supervisor: EngineSupervisor<MessagePortMain>;
  recentFiles(): RecentFilesStore;
  log(message: string): void;
}

export function registerIpcHandlers(options: IpcHandlerOptions): void {
  const { supervisor, log } = options;
  const engineClients = new Map<number, EngineClient<MessagePortMain>>();
  let lastDirectory: string | null = null;

  /** The editor that sent this message, or `undefined` (and a log line) for anything else. */
  const editorOf = (event: IpcMainEvent | IpcMainInvokeEvent): EditorWindow | undefined => {
    const frame = event.senderFrame;
    const editor = options.findEditor(event.sender);
    if (!editor || !frame || frame !== event.sender.mainFrame || !isAppUrl(frame.url)) {
      log(`ignored an IPC message from an untrusted sender (${frame?.url ?? 'no frame'})`);
      return undefined;
    }
    return editor;
  };

  const engineClientFor = (contents: WebContents): EngineClient<MessagePortMain> => {
    const existing = engineClients.get(contents.id);
    if (existing) return existing;
    const client: EngineClient<MessagePortMain> = {
      deliverPort: (port) => {
        if (!contents.isDestroyed()) contents.postMessage(ipcChannels.enginePort, null, [port]);
      },
      notifyRestarted: (info) => {
        if (!contents.isDestroyed()) contents.send(ipcChannels.engineRestarted, info);
      },
    };
    engineClients.set(contents.id, client);
    contents.once('destroyed', () => {
      supervisor.disconnect(client);
      engineClients.delete(contents.id);
    });
    return client;
  };

  const remember = (filePath: string): void => {
    lastDirectory = path.dirname(filePath);
    options
      .recentFiles()
      .add(filePath)
      .catch((error: unknown) => log(`could not update the recent files: ${String(error)}`));
  };

  ipcMain.on(ipcChannels.requestEnginePort, (event) => {
    if (editorOf(event)) supervisor.connect(engineClientFor(event.sender));
  });

  ipcMain.handle(ipcChannels.showOpenDialog, async (event) => {
    const editor = editorOf(event);
    if (!editor) return null;
    const result = await dialog.showOpenDialog(editor.window, {
      title: 'Open Model',
      defaultPath: lastDirectory ?? app.getPath('documents'),
      properties: ['openFile'],
      filters: projectFileFilters,
    });
    const chosen = result.canceled ? undefined : result.filePaths[0];
    if (!chosen) return null;
    remember(chosen);
    return chosen;
  });

  ipcMain.handle(ipcChannels.showSaveDialog, async (event, defaultName: unknown) => {
    const editor = editorOf(event);
    if (!editor) return null;
    const name = typeof defaultName === 'string' ? defaultName : 'untitled';
    const result = await dialog.showSaveDialog(editor.window, {
      title: 'Save Model',
      defaultPath: defaultSavePath(lastDirectory ?? app.getPath('documents'), name),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
      filters: projectFileFilters,
    });
    if (result.canceled || !result.filePath) {
      editor.closeGuard.onSaveCancelled();
      return null;
    }
    const chosen = withProjectExtension(result.filePath);
    remember(chosen);
    return chosen;
  });

  ipcMain.on(ipcChannels.setDirty, (event, dirty: unknown) => {
    const editor = editorOf(event);
    if (!editor || typeof dirty !== 'boolean') return;
    if (process.platform === 'darwin') editor.window.setDocumentEdited(dirty);
    if (editor.closeGuard.setDirty(dirty) === 'close') editor.window.close();
  });

  ipcMain.on(ipcChannels.addRecentFile, (event, filePath: unknown) => {
    if (!editorOf(event)) return;
    if (typeof filePath !== 'string' || !path.isAbsolute(filePath)) {
      log(`addRecentFile: expected an absolute path, got ${JSON.stringify(filePath)?.slice(0, 200)}`);
      return;
    }
    remember(filePath);
  });
}
