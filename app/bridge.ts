/**
 * The preload bridge, as the renderer sees it: `window.cnnStudio` in the Electron app.
 *
 * TYPES ONLY. The renderer imports this file with `import type` (its lint zone forbids
 * `electron`, and nothing here touches it); in browser mode `window.cnnStudio` is absent.
 *
 * @example
 * ```ts
 * import type { CnnStudioBridge } from '../../app/bridge';
 * const bridge = (window as { cnnStudio?: CnnStudioBridge }).cnnStudio;
 * bridge?.onEnginePort((port) => connect(createMessagePortTransport(port)));
 * ```
 */
import type { CommandId } from '../shared/commands';

/**
 * A message from the native menu (or implied by the OS, like a file to open): one of the
 * editor's commands (see shared/commands.ts, which also gives the menu its labels and keys),
 * or a file to open directly (Open Recent, or a file given on the command line).
 */
export type MenuCommand = { type: 'command'; command: CommandId } | { type: 'open-path'; path: string };

/** What happened to the engine process, told to the renderer after the fact. */
export interface EngineRestartInfo {
  /** `true`: a fresh engine is running and a new port has been (or is being) delivered. */
  restarted: boolean;
  /** Exit code of the engine process that ended (`null` if it was killed by a signal). */
  exitCode: number | null;
  /** How many times the engine has been restarted within the current storm window. */
  attempt: number;
  /** A sentence for the person, e.g. "The engine stopped unexpectedly (exit code 134) and was restarted." */
  message: string;
  /** ISO time of the exit. */
  at: string;
}

/** `window.cnnStudio`, exposed by app/preload.ts. */
export interface CnnStudioBridge {
  readonly platform: 'electron';
  /** The OS the app runs on (`process.platform`), e.g. for showing ⌘ or Ctrl. */
  readonly os: string;
  /**
   * Called with a port to the engine: once at start, and again with a new port after the
   * engine was restarted (the old port is dead then). If a port arrived before the
   * callback was registered, the callback gets the latest one at once.
   * Returns a function that removes the callback.
   */
  onEnginePort(callback: (port: MessagePort) => void): () => void;
  /** Native menu commands. Returns a function that removes the callback. */
  onMenuCommand(callback: (command: MenuCommand) => void): () => void;
  /** Native open dialog for *.cnn.json / *.json; resolves to the chosen path, or `null` if cancelled. */
  showOpenDialog(): Promise<string | null>;
  /**
   * Native save dialog; `defaultName` is the suggested file name (the `.cnn.json`
   * extension is added when missing). Resolves to the chosen path, or `null` if cancelled.
   */
  showSaveDialog(defaultName: string): Promise<string | null>;
  /** Tells the app whether there are unsaved changes (guards closing the window). */
  setDirty(dirty: boolean): void;
  /** Tells the app a project file was opened or saved, for File › Open Recent. */
  addRecentFile(path: string): void;
  /** The engine process ended unexpectedly (and was restarted, unless `restarted` is false). */
  onEngineRestarted(callback: (info: EngineRestartInfo) => void): () => void;
}
