/** The keyboard shortcuts, listed (press `?`). */
import { Modal } from './Modal';
import { SHORTCUTS } from './shortcut-list';
import { useUi } from './ui-store';

export function HelpOverlay() {
  return (
    <Modal title="Keyboard shortcuts" onClose={() => useUi.getState().openDialog(null)} testId="help-overlay">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, action]) => (
            <tr key={keys}>
              <td>
                {keys.split(' / ').map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' / '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
