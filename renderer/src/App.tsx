/**
 * The editor window: toolbar on top, palette on the left, canvas in the centre, inspector
 * on the right and a dock (Summary / Training) below.
 */
import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { GraphDocument } from '../../engine/graph/document';
import { Canvas } from './canvas/Canvas';
import { Palette } from './palette/Palette';
import { AddNodeMenu } from './palette/AddNodeMenu';
import { Inspector } from './inspector/Inspector';
import { SummaryPanel } from './summary/SummaryPanel';
import { TrainingPanel } from './training/TrainingPanel';
import { PresetGallery } from './presets/PresetGallery';
import { FileDialog } from './files/FileDialog';
import { RecoveryDialog } from './files/RecoveryDialog';
import { startAutosave } from './files/autosave';
import { openPath } from './files/file-actions';
import { HelpOverlay } from './ui/HelpOverlay';
import { Toasts } from './ui/Toasts';
import { useUi, type DockTab } from './ui/ui-store';
import { Toolbar } from './Toolbar';
import { useCommands, type Commands } from './commands';
import { useShortcuts } from './shortcuts';
import { connectEngine } from './engine/connection';
import { host } from './host/host';
import { useEditor } from './store/editor-store';
import { startBlockLibrary } from './store/block-library';
import { MakeBlockDialog } from './ui/MakeBlockDialog';
import { BlockDefinitionDialog } from './ui/BlockDefinitionDialog';

export function App() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}

function Editor() {
  const commands = useCommands();
  const [snap, setSnap] = useState(true);
  const [recovery, setRecovery] = useState<GraphDocument | null>(null);
  const dialog = useUi((s) => s.dialog);
  const shell = host().shell;
  useShortcuts(commands, shell);
  useTitle();

  useEffect(() => {
    connectEngine();
    return startAutosave(setRecovery);
  }, []);
  useEffect(startBlockLibrary, []);
  useMenuCommands(commands);

  return (
    <div className="app">
      <Toolbar commands={commands} shell={shell} snap={snap} onSnap={setSnap} />
      <Palette />
      <main className="center">
        <Canvas snap={snap} />
      </main>
      <Inspector />
      <Dock />
      <AddNodeMenu />
      {dialog === 'presets' && <PresetGallery />}
      {dialog === 'help' && <HelpOverlay shell={shell} />}
      {(dialog === 'open' || dialog === 'save') && <FileDialog mode={dialog} />}
      {recovery && <RecoveryDialog doc={recovery} onDone={() => setRecovery(null)} />}
      <MakeBlockDialog />
      <BlockDefinitionDialog />
      <Toasts />
    </div>
  );
}

const TABS: Array<[DockTab, string]> = [
  ['summary', 'Summary'],
  ['training', 'Training'],
];

function Dock() {
  const tab = useUi((s) => s.dockTab);
  const setTab = useUi((s) => s.setDockTab);
  const [open, setOpen] = useState(true);
  return (
    <section className={open ? 'dock' : 'dock closed'}>
      <div className="dock-tabs">
        {/* The tablist holds only tabs; the show/hide toggle sits beside it. */}
        <div className="dock-tablist" role="tablist" aria-label="Dock">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              id={`dock-tab-${id}`}
              type="button"
              role="tab"
              aria-selected={tab === id}
              aria-controls="dock-panel"
              className={tab === id ? 'tab active' : 'tab'}
              data-testid={`dock-tab-${id}`}
              onClick={() => {
                setTab(id);
                setOpen(true);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="tab dock-toggle"
          onClick={() => setOpen(!open)}
          title={open ? 'Hide the dock' : 'Show the dock'}
          aria-label={open ? 'Hide the dock' : 'Show the dock'}
          aria-expanded={open}
        >
          {open ? '▾' : '▴'}
        </button>
      </div>
      {open && (
        <div className="dock-body" id="dock-panel" role="tabpanel" aria-labelledby={`dock-tab-${tab}`}>
          {tab === 'summary' ? <SummaryPanel /> : <TrainingPanel />}
        </div>
      )}
    </section>
  );
}

/** Window title: the model's name with an unsaved-changes marker. */
function useTitle(): void {
  const name = useEditor((s) => s.doc.name);
  const dirty = useEditor((s) => s.dirty);
  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${name} — CNN Studio`;
  }, [name, dirty]);
}

/** The native menu (Electron) drives the same commands as the keys and the toolbar. */
function useMenuCommands(commands: Commands): void {
  useEffect(
    () =>
      host().onMenuCommand((message) => {
        if (message.type === 'open-path') void openPath(message.path);
        else commands[message.command]();
      }),
    [commands],
  );
}
