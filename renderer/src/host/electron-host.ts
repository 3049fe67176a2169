/** The Electron app as the editor's {@link Host}: everything goes through the preload bridge. */
import type { CnnStudioBridge } from '../../../app/bridge';
import { createClient } from '../../../engine/protocol/rpc';
import { createMessagePortTransport } from '../../../engine/protocol/transports/message-port';
import type { Host, ProjectFileActions } from './host';

/** The preload bridge (`window.cnnStudio`), present only in the Electron app. */
export function findBridge(global: object): CnnStudioBridge | undefined {
  return (global as { cnnStudio?: CnnStudioBridge }).cnnStudio;
}

export function createElectronHost(bridge: CnnStudioBridge, files: ProjectFileActions): Host {
  return {
    shell: 'electron',
    connectEngine(link) {
      bridge.onEnginePort((port) => link.connected(createClient(createMessagePortTransport(port))));
      // A restarted engine sends a new port; only a given-up one needs telling.
      bridge.onEngineRestarted((info) => {
        if (!info.restarted) link.unavailable(info.message);
      });
    },
    async showOpenDialog() {
      const path = await bridge.showOpenDialog();
      if (path) await files.open(path);
    },
    async showSaveDialog(suggestedName) {
      const path = await bridge.showSaveDialog(suggestedName);
      if (path) await files.save(path);
    },
    addRecentFile: (path) => bridge.addRecentFile(path),
    guardUnsavedChanges: (changes) => changes.subscribe((dirty) => bridge.setDirty(dirty)),
    onMenuCommand: (listener) => bridge.onMenuCommand(listener),
  };
}
