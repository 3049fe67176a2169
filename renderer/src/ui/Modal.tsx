/** A centred dialog with a title, closed by Escape, the × button or a click outside. */
import { useEffect, type ReactNode } from 'react';

export function Modal({
  title,
  onClose,
  children,
  testId,
  wide = false,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  testId?: string;
  wide?: boolean;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={wide ? 'modal wide' : 'modal'} role="dialog" aria-label={title} data-testid={testId}>
        <header>
          <h2>{title}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {/* Focusable so a keyboard can scroll a body taller than the window (axe: scrollable-region-focusable). */}
        <div className="modal-body" tabIndex={0}>
          {children}
        </div>
      </div>
    </div>
  );
}
