/**
 * New / Open / Save / Save As. Files live on the engine's machine and are read and
 * written through EngineApi; the host asks for paths (host/host.ts: native dialogs in
 * Electron, our own FileDialog in the browser). Every document read goes through
 * `loadGraphDocument`, so a bad file is refused with its reason and the current project
 * stays as it was.
 */
import { loadGraphDocument } from '../../../engine/graph/load';
import { editorActions, editorStore, emptyDocument } from '../store/editor-store';
import { useUi } from '../ui/ui-store';
import { useEngine } from '../engine/connection';
import { host } from '../host/host';
import type { EngineClient } from '../../../engine/protocol/rpc';
import type { ProjectFileInfo } from '../../../engine/protocol/api';
import type { GraphDocument } from '../../../engine/graph/document';

/** The engine's error name for a save over a file that is not a CNN Studio project. */
const NOT_A_PROJECT = 'NotAProject';

/** The file extension CNN Studio suggests for projects. */
export const PROJECT_EXTENSION = '.cnn.json';

function engine(): EngineClient | null {
  const client = useEngine.getState().client;
  if (!client)
    useUi
      .getState()
      .toast('The engine is not connected, so files cannot be opened or saved right now.', 'error');
  return client;
}

/** Asks before throwing away unsaved work; true when it is fine to go on. */
export function confirmDiscard(what: string): boolean {
  if (!editorStore.getState().dirty) return true;
  return window.confirm(`You have unsaved changes. ${what} anyway and lose them?`);
}

export function newProject(): void {
  if (!confirmDiscard('Start a new model')) return;
  editorActions.openDocument(emptyDocument(), null);
}

/** Opens a project file by path; on failure says why and keeps the current project. */
export async function openPath(path: string): Promise<boolean> {
  const client = engine();
  if (!client) return false;
  try {
    const opened = await client.openProject(path);
    const doc = loadGraphDocument(opened.document);
    editorActions.openDocument(doc, opened.path);
    host().addRecentFile(opened.path);
    useUi.getState().toast(`Opened ${fileName(opened.path)}.`);
    return true;
  } catch (error) {
    useUi.getState().toast(`Could not open ${path}: ${(error as Error).message}`, 'error');
    return false;
  }
}

/** Ctrl+O: the host's dialog (native in Electron, our file list in the browser), then `openPath`. */
export async function openProjectFlow(): Promise<void> {
  if (!confirmDiscard('Open another model')) return;
  await host().showOpenDialog();
}

/**
 * Saves through the engine; when the file there is not a CNN Studio project, asks the
 * person before replacing it. Resolves to `null` when they said no.
 */
async function saveAskingBeforeReplacing(
  client: EngineClient,
  path: string,
  doc: GraphDocument,
): Promise<ProjectFileInfo | null> {
  try {
    return await client.saveProject(path, doc);
  } catch (error) {
    if ((error as Error).name !== NOT_A_PROJECT) throw error;
    const target = ((error as { data?: { path?: unknown } }).data?.path as string | undefined) ?? path;
    if (!window.confirm(`${fileName(target)} is not a CNN Studio project. Replace it?`)) return null;
    return client.saveProject(path, doc, { overwrite: true });
  }
}

/** Saves to `path`; returns whether it worked. */
export async function saveTo(path: string): Promise<boolean> {
  const client = engine();
  if (!client) return false;
  const doc = editorStore.getState().doc;
  try {
    const info = await saveAskingBeforeReplacing(client, path, doc);
    if (!info) {
      useUi.getState().toast(`Not saved; ${fileName(path)} was left as it was.`);
      return false;
    }
    editorActions.markSaved(info.path, doc);
    host().addRecentFile(info.path);
    void client.clearRecovery().catch(() => undefined);
    useUi.getState().toast(`Saved ${info.name || fileName(info.path)}.`);
    return true;
  } catch (error) {
    useUi.getState().toast(`Could not save to ${path}: ${(error as Error).message}`, 'error');
    return false;
  }
}

/** Ctrl+S: save in place, or ask where the first time. */
export async function saveProjectFlow(forceAsk = false): Promise<void> {
  const { path, doc } = editorStore.getState();
  if (path && !forceAsk) {
    await saveTo(path);
    return;
  }
  await host().showSaveDialog(suggestedName(doc.name));
}

export function suggestedName(name: string): string {
  const base =
    name
      .trim()
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'model';
  return base.endsWith(PROJECT_EXTENSION) ? base : `${base}${PROJECT_EXTENSION}`;
}

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
