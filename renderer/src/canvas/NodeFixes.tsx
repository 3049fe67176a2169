/** The fix-its offered on an invalid node (store/fixits.ts): one button per repair. */
import { useMemo } from 'react';
import { editorActions, useEditor } from '../store/editor-store';
import { fixesForNode } from '../store/fixits';

export function NodeFixes({ nodeId }: { nodeId: string }) {
  // Mounted only on invalid nodes, so only they follow every document change.
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const fixes = useMemo(() => fixesForNode(doc, analysis, nodeId), [doc, analysis, nodeId]);
  if (fixes.length === 0) return null;
  return (
    <div className="layer-fixes nodrag" role="group" aria-label="Fixes">
      {fixes.map((fix) => (
        <button
          key={fix.id}
          type="button"
          className="layer-fix"
          data-testid="node-fix"
          data-fix={fix.id}
          onClick={(e) => {
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
