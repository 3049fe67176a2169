/**
 * One editor window: created with the secure options, shown on first paint, loaded from
 * `app://renderer`, and closed only after the unsaved-changes question.
 */
import { BrowserWindow, dialog } from 'electron';
import type { MenuCommand } from './bridge';
import { closeChoices, closeDialog, createCloseGuard, type CloseGuard } from './close-guard';
import { ipcChannels } from './ipc-channels';
import { appIndexUrl, editorWindowOptions } from './security';

export interface EditorWindow {
  window: BrowserWindow;
  closeGuard: CloseGuard;
  sendCommand(command: MenuCommand): void;
}

export interface EditorWindowOptions {
  preloadPath: string;
  log(message: string): void;
  /** The person chose Cancel in the close question (so a pending quit is off). */
  onCloseCancelled(): void;
}

export function createEditorWindow(options: EditorWindowOptions): EditorWindow {
  const window = new BrowserWindow(editorWindowOptions(options.preloadPath));
  const closeGuard = createCloseGuard();
  const contents = window.webContents;

  const sendCommand = (command: MenuCommand): void => {
    if (!contents.isDestroyed()) contents.send(ipcChannels.menuCommand, command);
  };

  window.once('ready-to-show', () => window.show());

  window.on('close', (event) => {
    if (closeGuard.onCloseRequested() === 'allow') return;
    event.preventDefault();
    void dialog.showMessageBox(window, closeDialog).then(({ response }) => {
      const action = closeGuard.onChoice(closeChoices[response] ?? 'cancel');
      if (action === 'close') window.close();
      else if (action === 'save') sendCommand({ type: 'command', command: 'save' });
      else options.onCloseCancelled();
    });
  });

  contents.on('render-process-gone', (_event, details) => {
    options.log(`renderer process gone (${details.reason}, exit code ${details.exitCode})`);
    // The editor autosaves a recovery copy; a reload brings it back with a fresh engine port.
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) contents.reload();
  });

  void window.loadURL(appIndexUrl);
  return { window, closeGuard, sendCommand };
}
