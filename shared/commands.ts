/**
 * The editor's commands, in one table: what each is called, which keys run it, and where
 * it sits in the Electron menu. The renderer's keyboard handler, its help overlay and
 * toolbar tooltips, and the app's menu (labels, accelerators, the message it sends) are all
 * derived from it, so they cannot disagree.
 *
 * Runs anywhere (no DOM, no Node, no Electron): both `app/` and `renderer/` import it.
 * What a command *does* lives in the renderer (`renderer/src/commands.ts`), typed as a
 * record over {@link CommandId}, so a command in this table without an action does not compile.
 */

/** One key combination. */
export interface KeyBinding {
  /**
   * `KeyboardEvent.key`, lower case for letters (`'z'`), as is for the rest (`'?'`, `'='`,
   * `'Delete'`).
   */
  readonly key: string;
  /** Ctrl (⌘ on macOS). */
  readonly mod?: boolean;
  /** Shift; only letters look at it (for `'?'` the Shift is part of the character). */
  readonly shift?: boolean;
  /**
   * Browsers keep this key for themselves (Ctrl+N opens a window and the page never sees
   * it), so only the desktop app offers it.
   */
  readonly desktopOnly?: boolean;
}

/** Top-level menus of the Electron app that hold editor commands. */
export type MenuSection = 'file' | 'edit' | 'view';

export interface CommandSpec {
  /** Short name, as in a menu ("Save As…"). */
  readonly label: string;
  /** What it does, for the help overlay. */
  readonly description: string;
  /** Every key that runs it; the first is the one menus and tooltips show. */
  readonly keys: readonly KeyBinding[];
  /** Its place in the Electron menu, if it has one. */
  readonly menu?: {
    /** Stable menu item id (`file.save`). */
    readonly itemId: string;
    readonly section: MenuSection;
    /** Which of `keys` is the accelerator on a platform (`process.platform`), when not the first. */
    readonly acceleratorKeyOn?: Readonly<Partial<Record<string, number>>>;
  };
}

const mod = (key: string, extra: Omit<KeyBinding, 'key' | 'mod'> = {}): KeyBinding => ({
  key,
  mod: true,
  ...extra,
});
const plain = (key: string): KeyBinding => ({ key });

/** The table. Order is the help overlay's order. */
export const COMMANDS = {
  undo: {
    label: 'Undo',
    description: 'Undo',
    keys: [mod('z')],
    menu: { itemId: 'edit.undo', section: 'edit' },
  },
  redo: {
    label: 'Redo',
    description: 'Redo',
    keys: [mod('z', { shift: true }), mod('y')],
    menu: { itemId: 'edit.redo', section: 'edit', acceleratorKeyOn: { win32: 1 } },
  },
  copy: { label: 'Copy', description: 'Copy the selection (links inside it are kept)', keys: [mod('c')] },
  cut: { label: 'Cut', description: 'Cut the selection', keys: [mod('x')] },
  paste: { label: 'Paste', description: 'Paste layers', keys: [mod('v')] },
  duplicate: { label: 'Duplicate', description: 'Duplicate the selection', keys: [mod('d')] },
  selectAll: { label: 'Select All', description: 'Select all', keys: [mod('a')] },
  deleteSelection: {
    label: 'Delete',
    description: 'Delete the selection',
    keys: [plain('Delete'), plain('Backspace')],
  },
  bypass: { label: 'Bypass', description: 'Bypass / un-bypass the selected layers', keys: [mod('b')] },
  freeze: {
    label: 'Freeze',
    description: 'Freeze / unfreeze the selected layers (their weights are not trained: transfer learning)',
    keys: [mod('f', { shift: true })],
  },
  toggleExpand: { label: 'Expand', description: 'Expand / collapse the selected blocks', keys: [mod('e')] },
  group: {
    label: 'Group',
    description: 'Group the selected layers in a frame (collapsible)',
    keys: [mod('g')],
  },
  ungroup: { label: 'Ungroup', description: 'Ungroup', keys: [mod('g', { shift: true })] },
  unfold: {
    label: 'Unfold Block',
    description: 'Replace the selected blocks with their layers, one node per layer (undo folds them back)',
    keys: [],
  },
  makeBlock: {
    label: 'Make Block…',
    description: 'Make a block of your own from the selected layers (a palette entry you can reuse)',
    keys: [mod('k', { shift: true })],
  },
  tidy: { label: 'Tidy Layout', description: 'Tidy layout', keys: [mod('l')] },
  fitView: { label: 'Fit', description: 'Fit the view', keys: [plain('f')] },
  zoomIn: {
    label: 'Zoom In',
    description: 'Zoom the canvas in',
    keys: [mod('=')],
    menu: { itemId: 'view.zoomIn', section: 'view' },
  },
  zoomOut: {
    label: 'Zoom Out',
    description: 'Zoom the canvas out',
    keys: [mod('-')],
    menu: { itemId: 'view.zoomOut', section: 'view' },
  },
  zoomReset: {
    label: 'Reset Zoom',
    description: 'Canvas at 100%',
    keys: [mod('0')],
    menu: { itemId: 'view.zoomReset', section: 'view' },
  },
  addNode: { label: 'Add Layer', description: 'Search to add a layer at the pointer', keys: [plain('/')] },
  newProject: {
    label: 'New',
    description: 'New model',
    keys: [mod('n', { desktopOnly: true })],
    menu: { itemId: 'file.new', section: 'file' },
  },
  open: {
    label: 'Open…',
    description: 'Open',
    keys: [mod('o')],
    menu: { itemId: 'file.open', section: 'file' },
  },
  save: {
    label: 'Save',
    description: 'Save',
    keys: [mod('s')],
    menu: { itemId: 'file.save', section: 'file' },
  },
  saveAs: {
    label: 'Save As…',
    description: 'Save as',
    keys: [mod('s', { shift: true })],
    menu: { itemId: 'file.saveAs', section: 'file' },
  },
  presets: { label: 'Presets', description: 'Load a preset from the book', keys: [] },
  help: { label: 'Keyboard Shortcuts', description: 'This help', keys: [plain('?')] },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

/** Every command id, in table order. */
export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** Where the editor runs: the desktop app or a browser tab. */
export type ShellKind = 'electron' | 'browser';

/** The spec of a command (widened from the literal table). */
export function commandSpec(id: CommandId): CommandSpec {
  return COMMANDS[id];
}

/** The keys of a command that work in `shell`. */
export function keysIn(id: CommandId, shell: ShellKind): KeyBinding[] {
  return commandSpec(id).keys.filter((binding) => shell === 'electron' || !binding.desktopOnly);
}

const isLetter = (key: string): boolean => /^[a-z]$/.test(key);

/** How a person reads a key: `Ctrl+Shift+Z`, `Delete`, `?`. */
export function keyLabel(binding: KeyBinding): string {
  const key = isLetter(binding.key) ? binding.key.toUpperCase() : binding.key;
  return [binding.mod && 'Ctrl', binding.shift && 'Shift', key].filter(Boolean).join('+');
}

/** The key as an Electron accelerator: `CmdOrCtrl+Shift+Z`. */
export function electronAccelerator(binding: KeyBinding): string {
  const key = isLetter(binding.key) ? binding.key.toUpperCase() : binding.key;
  return [binding.mod && 'CmdOrCtrl', binding.shift && 'Shift', key].filter(Boolean).join('+');
}

/** The menu accelerator of a command on `platform`, if it has a key. */
export function menuAccelerator(id: CommandId, platform: string): string | undefined {
  const spec = commandSpec(id);
  const binding = spec.keys[spec.menu?.acceleratorKeyOn?.[platform] ?? 0];
  return binding && electronAccelerator(binding);
}

/** A tooltip: "Save (Ctrl+S)", or the bare description for a command without keys in `shell`. */
export function titleWithKeys(
  id: CommandId,
  shell: ShellKind,
  description = commandSpec(id).description,
): string {
  const [first] = keysIn(id, shell);
  return first ? `${description} (${keyLabel(first)})` : description;
}

/** The fields of a keydown this table looks at (a `KeyboardEvent` has them). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Whether a keydown is this key. */
export function matchesKey(binding: KeyBinding, press: KeyPress): boolean {
  if (press.altKey) return false;
  if ((press.ctrlKey || press.metaKey) !== Boolean(binding.mod)) return false;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (key !== binding.key) return false;
  return !isLetter(binding.key) || press.shiftKey === Boolean(binding.shift);
}

/** The command a keydown runs in `shell`, if any. */
export function commandForKey(press: KeyPress, shell: ShellKind): CommandId | undefined {
  return COMMAND_IDS.find((id) => keysIn(id, shell).some((binding) => matchesKey(binding, press)));
}
