import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App';
import { installHost } from './host/host';
import { createBrowserHost } from './host/browser-host';
import { createElectronHost, findBridge } from './host/electron-host';
import { openPath, saveTo } from './files/file-actions';
import { useUi } from './ui/ui-store';

// The shell is decided once, here: the preload's bridge means the Electron app.
const bridge = findBridge(globalThis);
installHost(
  bridge
    ? createElectronHost(bridge, { open: openPath, save: saveTo })
    : createBrowserHost({
        location: window.location,
        window,
        showFileDialog: (mode) => useUi.getState().openDialog(mode),
      }),
);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
