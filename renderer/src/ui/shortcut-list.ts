/**
 * What the help overlay lists: every command of the table with keys in this shell
 * (shared/commands.ts), then the pointer gestures, which are no commands.
 */
import {
  COMMAND_IDS,
  commandSpec,
  keyLabel,
  keysIn,
  type CommandId,
  type ShellKind,
} from '../../../shared/commands';

export interface HelpRow {
  /** The command, or undefined for a gesture. */
  command?: CommandId;
  /** Each key or gesture, as shown in its own <kbd>. */
  keys: string[];
  description: string;
}

/** Mouse gestures of the canvas, listed after the keys. */
export const GESTURES: readonly HelpRow[] = [
  { keys: ['Double-click'], description: 'Search to add a layer there' },
  { keys: ['Double-click a block'], description: 'Open it as a graph (Esc or the breadcrumb goes back)' },
  { keys: ['Shift-drag'], description: 'Box select' },
  { keys: ['Drag a link end'], description: 'Rewire it (drop on empty canvas to delete it)' },
  { keys: ['Drop a layer on a link'], description: 'Insert it into the link' },
];

/** The rows of the help overlay for `shell`. */
export function helpRows(shell: ShellKind): HelpRow[] {
  const commands = COMMAND_IDS.flatMap((command): HelpRow[] => {
    const keys = keysIn(command, shell).map(keyLabel);
    return keys.length > 0 ? [{ command, keys, description: commandSpec(command).description }] : [];
  });
  return [...commands, ...GESTURES];
}
