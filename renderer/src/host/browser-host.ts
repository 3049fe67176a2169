/**
 * A browser tab as the editor's {@link Host}: the engine over the web host's WebSocket (the
 * page's `?token=`), the editor's own file dialog, and the tab's unload question.
 */
import { createClient } from '../../../engine/protocol/rpc';
import type { Transport } from '../../../engine/protocol/transport';
import { connectWebSocket, engineUrlForPage } from '../../../engine/protocol/transports/websocket';
import type { Host } from './host';

/** How long to wait before dialling again after the connection dropped; twice that after a failed dial. */
export const RECONNECT_MS = 3000;

export interface BrowserHostOptions {
  /** The page's address (for the engine URL and its token). */
  location: { protocol: string; host: string; search: string };
  /** The tab, for its `beforeunload` event. */
  window: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  /** Shows the editor's own Open or Save As dialog (`files/FileDialog`). */
  showFileDialog(mode: 'open' | 'save'): void;
  /** Opens a WebSocket transport (tests pass a fake). */
  connect?: (url: string) => Promise<Transport>;
}

export function createBrowserHost(options: BrowserHostOptions): Host {
  const connect = options.connect ?? ((url: string) => connectWebSocket(url));
  return {
    shell: 'browser',
    connectEngine(link) {
      const dial = () => {
        connect(engineUrlForPage(options.location))
          .then((transport) => {
            const client = createClient(transport);
            client.onClose(() => setTimeout(dial, RECONNECT_MS));
            link.connected(client);
          })
          .catch((error: Error) => {
            link.unavailable(error.message);
            setTimeout(dial, RECONNECT_MS * 2);
          });
      };
      dial();
    },
    async showOpenDialog() {
      options.showFileDialog('open');
    },
    async showSaveDialog() {
      // The editor's dialog proposes the name itself, next to the folder it lists.
      options.showFileDialog('save');
    },
    addRecentFile() {
      // The engine keeps the recent list itself (`EngineApi.recentProjects`); no menu to update.
    },
    guardUnsavedChanges(changes) {
      const onBeforeUnload = (event: BeforeUnloadEvent) => {
        if (!changes.isDirty()) return;
        event.preventDefault();
        event.returnValue = '';
      };
      options.window.addEventListener('beforeunload', onBeforeUnload);
      return () => options.window.removeEventListener('beforeunload', onBeforeUnload);
    },
    onMenuCommand: () => () => undefined,
  };
}
