/** Buttons for the fix-its of one issue (store/fixits.ts); each applies its fix as one undo step. */
import { editorActions } from '../store/editor-store';
import type { FixIt } from '../store/fixits';

export function FixButtons({ fixes, className = '' }: { fixes: readonly FixIt[]; className?: string }) {
  if (fixes.length === 0) return null;
  return (
    <div className={`fixes ${className}`} role="group" aria-label="Fixes">
      {fixes.map((fix) => (
        <button
          key={fix.id}
          type="button"
          className="fix"
          data-testid="node-fix"
          data-fix={fix.id}
          onClick={(e) => {
            // On the canvas, a click must not also select or drag the node.
            e.stopPropagation();
            editorActions.applyFix(fix);
          }}
        >
          {fix.label}
        </button>
      ))}
    </div>
  );
}
