/** Names shared by main and preload (plain strings; no Electron here). */

export const ipcChannels = {
  enginePort: 'cnn-studio:engine-port',
  requestEnginePort: 'cnn-studio:request-engine-port',
  menuCommand: 'cnn-studio:menu-command',
  engineRestarted: 'cnn-studio:engine-restarted',
  showOpenDialog: 'cnn-studio:show-open-dialog',
  showSaveDialog: 'cnn-studio:show-save-dialog',
  setDirty: 'cnn-studio:set-dirty',
  addRecentFile: 'cnn-studio:add-recent-file',
} as const;

/** Tag of the window message that carries an engine port from the preload to the page. */
export const enginePortMessageTag = 'cnn-studio:engine-port';
