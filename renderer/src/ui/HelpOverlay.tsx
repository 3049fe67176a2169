/** The keyboard shortcuts and gestures, listed (press `?`). */
import type { ShellKind } from '../../../shared/commands';
import { Modal } from './Modal';
import { helpRows } from './shortcut-list';
import { useUi } from './ui-store';

export function HelpOverlay({ shell }: { shell: ShellKind }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={() => useUi.getState().openDialog(null)} testId="help-overlay">
      <table className="shortcuts">
        <tbody>
          {helpRows(shell).map(({ command, keys, description }) => (
            <tr key={command ?? keys.join()} data-command={command}>
              <td>
                {keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 && ' / '}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
