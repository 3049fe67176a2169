/**
 * The shell the editor runs in — the Electron app or a browser tab — behind one interface,
 * chosen once at start (`main.tsx`). Everything that differs between the two goes through
 * it: how the engine is reached, how a project file is chosen, recent files, the
 * unsaved-changes guard and native menu commands. Nothing else looks at `window.cnnStudio`.
 */
import type { MenuCommand } from '../../../app/bridge';
import type { ShellKind } from '../../../shared/commands';
import type { EngineClient } from '../../../engine/protocol/rpc';

/** Told about the engine connection by {@link Host.connectEngine}. */
export interface EngineLink {
  /** A new client: the first, and each one after a reconnect or an engine restart. */
  connected(client: EngineClient): void;
  /** The engine cannot be reached (for now); `detail` says why, for a person. */
  unavailable(detail: string): void;
}

/** What to do with a file the person chose in the host's dialog. */
export interface ProjectFileActions {
  /** Open this project file. */
  open(path: string): Promise<unknown>;
  /** Save the current project to this path. */
  save(path: string): Promise<unknown>;
}

/** Whether there is unsaved work, and when that changes. */
export interface UnsavedChanges {
  isDirty(): boolean;
  /** Calls `listener` on every change; returns a function that stops it. */
  subscribe(listener: (dirty: boolean) => void): () => void;
}

export interface Host {
  /** Which shell this is (the help overlay leaves out keys a browser keeps for itself). */
  readonly shell: ShellKind;
  /**
   * Starts connecting to the engine, for the page's lifetime: Electron hands over a
   * MessagePort (a new one after an engine restart); the browser dials the web host's
   * WebSocket and redials when it drops.
   */
  connectEngine(link: EngineLink): void;
  /**
   * Lets the person choose a project to open. Electron: the OS dialog, then
   * {@link ProjectFileActions.open}. Browser: the editor's own file dialog, which lists the
   * engine's files and opens the chosen one the same way. Resolves once the choice is handled
   * (Electron) or the dialog is shown (browser).
   */
  showOpenDialog(): Promise<void>;
  /** As {@link showOpenDialog}, for Save As; `suggestedName` is the proposed file name. */
  showSaveDialog(suggestedName: string): Promise<void>;
  /** A project file was opened or saved (File › Open Recent in Electron; nothing in a browser). */
  addRecentFile(path: string): void;
  /**
   * Guards closing with unsaved work: Electron's window asks Save / Don't Save / Cancel; a
   * browser tab asks before unloading. Returns a function that stops the guard.
   */
  guardUnsavedChanges(changes: UnsavedChanges): () => void;
  /** Native menu commands (never, in a browser). Returns a function that stops listening. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

let current: Host | null = null;

/** Sets the host for this page; called once at start. */
export function installHost(host: Host): void {
  current = host;
}

/** The host chosen at start. */
export function host(): Host {
  if (!current) throw new Error('No host installed: main.tsx installs one before rendering.');
  return current;
}
